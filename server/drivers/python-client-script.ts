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
if config['library'] == 'requests':
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
