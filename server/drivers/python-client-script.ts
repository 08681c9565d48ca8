/**
 * The inline program the Python drivers run with Debian's python3: POST the
 * login through the CONNECT tunnel (the hijacked resolver), trusting only the
 * victim's roots, without following the 302. It prints one line,
 * `MITMLAB-RESULT {json}`: the HTTP status, or the exception chain's
 * ssl.SSLCertVerificationError (verify_code, verify_message) and its words.
 */
export const PYTHON_CLIENT_SCRIPT = String.raw`
import json, ssl, sys
config = json.loads(sys.argv[1])

def report(**fields):
    print('MITMLAB-RESULT ' + json.dumps(fields), flush=True)
    sys.exit(0 if fields.get('status') else 3)

def causes(error):
    seen, pending = [], [error]
    while pending and len(seen) < 16:
        current = pending.pop(0)
        if not isinstance(current, BaseException) or any(current is s for s in seen):
            continue
        seen.append(current)
        pending += [current.__cause__, current.__context__, getattr(current, 'reason', None)] + list(current.args)
    return seen

def describe(error):
    chain = causes(error)
    verify = next((e for e in chain if isinstance(e, ssl.SSLCertVerificationError)), None)
    tls = next((e for e in chain if isinstance(e, ssl.SSLError)), None)
    # urllib3 1.26 can mask a closed connection behind a TypeError raised while retrying: prefer the network error.
    network = next((e for e in chain if isinstance(e, (OSError, ConnectionError)) or type(e).__module__ == 'http.client'), None)
    innermost = verify or tls or network or chain[-1]
    report(status=None, type=type(innermost).__name__, message=str(innermost),
           verify_code=getattr(verify, 'verify_code', None), verify_message=getattr(verify, 'verify_message', None))

url = config['url']
form = {'username': config['username'], 'password': config['password']}

def browse(get, post):
    # The victim who types the bare name: GET the http:// start URL (the library follows redirects), the
    # sign-in link, then POST the login to the form's action -- the same two patterns as the lab's victim.
    import re, urllib.parse
    last = None
    for _visit in range(config.get('visits') or 1):
        page_url, status, body = get(config['startUrl'])
        for _hop in range(4):
            action = re.search(r'<form[^>]*\baction="([^"]+)"', body, re.I)
            if status == 200 and action:
                last = post(urllib.parse.urljoin(page_url, action.group(1)))
                break
            link = re.search(r'<a[^>]*\bhref="([^"]*/login[^"]*)"', body, re.I)
            if status != 200 or not link:
                report(status=None, type='NoSignInForm', message='no sign-in form reached from ' + config['startUrl'] + ' (last page ' + page_url + ', HTTP ' + str(status) + ')')
            page_url, status, body = get(urllib.parse.urljoin(page_url, link.group(1)))
    report(status=last[0] if last else None, login_url=last[1] if last else None)

if config.get('startUrl') and config['library'] == 'requests':
    import requests
    session = requests.Session()
    session.trust_env = False
    proxies = {'https': config['proxy'], 'http': config['proxy']}
    def get(target):
        response = session.get(target, verify=config['caFile'], proxies=proxies, timeout=config['timeout'])
        return response.url, response.status_code, response.text
    def post(target):
        return session.post(target, data=form, verify=config['caFile'], proxies=proxies, allow_redirects=False,
                            timeout=config['timeout']).status_code, target
    try:
        browse(get, post)
    except Exception as error:
        describe(error)
elif config.get('startUrl'):
    import urllib.error, urllib.parse, urllib.request
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None
    context = ssl.create_default_context(cafile=config['caFile'])
    proxy = urllib.request.ProxyHandler({'https': config['proxy'], 'http': config['proxy']})
    following = urllib.request.build_opener(proxy, urllib.request.HTTPSHandler(context=context))
    posting = urllib.request.build_opener(proxy, urllib.request.HTTPSHandler(context=context), NoRedirect())
    def get(target):
        try:
            with following.open(target, timeout=config['timeout']) as response:
                return response.url, response.status, response.read().decode('utf-8', 'replace')
        except urllib.error.HTTPError as error:
            return target, error.code, ''
    def post(target):
        try:
            with posting.open(target, data=urllib.parse.urlencode(form).encode(), timeout=config['timeout']) as response:
                return response.status, target
        except urllib.error.HTTPError as error:
            return error.code, target
    try:
        browse(get, post)
    except Exception as error:
        describe(error)
elif config['library'] == 'requests':
    import requests
    session = requests.Session()
    session.trust_env = False
    try:
        response = session.post(url, data=form, verify=config['caFile'], proxies={'https': config['proxy']},
                                allow_redirects=False, timeout=config['timeout'])
        report(status=response.status_code)
    except Exception as error:
        describe(error)
else:
    import urllib.error, urllib.parse, urllib.request
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None
    context = ssl.create_default_context(cafile=config['caFile'])
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({'https': config['proxy']}),
                                         urllib.request.HTTPSHandler(context=context), NoRedirect())
    try:
        with opener.open(url, data=urllib.parse.urlencode(form).encode(), timeout=config['timeout']) as response:
            report(status=response.status)
    except urllib.error.HTTPError as error:
        report(status=error.code)
    except Exception as error:
        describe(error)
`
