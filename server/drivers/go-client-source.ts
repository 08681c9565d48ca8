/**
 * The Go client the go driver compiles (standard library only: crypto/tls,
 * crypto/x509, net/http), as a main.go. It reads one JSON config from argv[1]:
 * trusts exactly the PEM roots (RootCAs from caFile, never the system pool),
 * dials connectTo for every address it is asked for (the hijacked resolver)
 * while tls.Config.ServerName stays bank.lab (SNI and the name check), and
 * POSTs the login without following the 302. With startUrl it plays the
 * victim who types the bare name: GET http://bank.lab/ following redirects
 * (Go's net/http has no HSTS cache, so nothing upgrades it), the sign-in link,
 * then the form's action. It prints one line, `MITMLAB-RESULT {json}`: the
 * HTTP status and where the login went, or Go's own error words with the
 * x509 error's type (x509.UnknownAuthorityError, x509.HostnameError,
 * x509.CertificateInvalidError and its Reason), never reworded.
 */
export const GO_CLIENT_SOURCE = String.raw`package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"
)

type config struct {
	URL        string ` + '`json:"url"`' + String.raw`
	ConnectTo  string ` + '`json:"connectTo"`' + String.raw`
	ServerName string ` + '`json:"serverName"`' + String.raw`
	CAFile     string ` + '`json:"caFile"`' + String.raw`
	Username   string ` + '`json:"username"`' + String.raw`
	Password   string ` + '`json:"password"`' + String.raw`
	TimeoutMs  int    ` + '`json:"timeoutMs"`' + String.raw`
	StartURL   string ` + '`json:"startUrl"`' + String.raw`
	Visits     int    ` + '`json:"visits"`' + String.raw`
}

type result struct {
	Status   *int   ` + '`json:"status"`' + String.raw`
	LoginURL string ` + '`json:"login_url,omitempty"`' + String.raw`
	Type     string ` + '`json:"type,omitempty"`' + String.raw`
	Reason   *int   ` + '`json:"reason,omitempty"`' + String.raw`
	Message  string ` + '`json:"message,omitempty"`' + String.raw`
}

func report(r result) {
	line, _ := json.Marshal(r)
	fmt.Println("MITMLAB-RESULT " + string(line))
	if r.Status != nil {
		os.Exit(0)
	}
	os.Exit(3)
}

// fail reports Go's own words: the innermost error under url.Error, and the x509 type that carries the cause.
func fail(err error) {
	r := result{Type: fmt.Sprintf("%T", err), Message: err.Error()}
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		r.Type = fmt.Sprintf("%T", urlErr.Err)
		r.Message = urlErr.Err.Error()
	}
	var unknown x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	switch {
	case errors.As(err, &unknown):
		r.Type = "x509.UnknownAuthorityError"
	case errors.As(err, &hostname):
		r.Type = "x509.HostnameError"
	case errors.As(err, &invalid):
		reason := int(invalid.Reason)
		r.Type = "x509.CertificateInvalidError"
		r.Reason = &reason
	}
	report(r)
}

func main() {
	var c config
	if len(os.Args) < 2 || json.Unmarshal([]byte(os.Args[1]), &c) != nil {
		fmt.Fprintln(os.Stderr, "usage: mitmlab-go-client CONFIG_JSON")
		os.Exit(2)
	}
	pem, err := os.ReadFile(c.CAFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		fmt.Fprintln(os.Stderr, "no certificate in "+c.CAFile)
		os.Exit(2)
	}
	timeout := time.Duration(c.TimeoutMs) * time.Millisecond
	dialer := &net.Dialer{Timeout: timeout}
	transport := &http.Transport{
		// The hijacked resolver: whatever host:port a URL names, the connection goes to connectTo.
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return dialer.DialContext(ctx, network, c.ConnectTo)
		},
		TLSClientConfig:   &tls.Config{RootCAs: roots, ServerName: c.ServerName},
		Proxy:             nil,
		DisableKeepAlives: true,
	}
	following := &http.Client{Transport: transport, Timeout: timeout}
	posting := &http.Client{Transport: transport, Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	form := url.Values{"username": {c.Username}, "password": {c.Password}}
	post := func(target string) int {
		response, err := posting.Post(target, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
		if err != nil {
			fail(err)
		}
		response.Body.Close()
		return response.StatusCode
	}
	if c.StartURL == "" {
		status := post(c.URL)
		report(result{Status: &status})
	}
	get := func(target string) (string, int, string) {
		response, err := following.Get(target)
		if err != nil {
			fail(err)
		}
		defer response.Body.Close()
		body, _ := io.ReadAll(io.LimitReader(response.Body, 1<<20))
		return response.Request.URL.String(), response.StatusCode, string(body)
	}
	// The same two patterns as the lab's own victim (server/drivers/http-first-visit.ts).
	action := regexp.MustCompile(` + '`(?i)<form[^>]*\\baction="([^"]+)"`' + String.raw`)
	signIn := regexp.MustCompile(` + '`(?i)<a[^>]*\\bhref="([^"]*/login[^"]*)"`' + String.raw`)
	visits := c.Visits
	if visits < 1 {
		visits = 1
	}
	var last result
	for visit := 0; visit < visits; visit++ {
		pageURL, status, body := get(c.StartURL)
		posted := false
		for hop := 0; hop < 4; hop++ {
			if match := action.FindStringSubmatch(body); status == 200 && match != nil {
				base, _ := url.Parse(pageURL)
				ref, _ := url.Parse(match[1])
				target := base.ResolveReference(ref).String()
				loginStatus := post(target)
				last = result{Status: &loginStatus, LoginURL: target}
				posted = true
				break
			}
			link := signIn.FindStringSubmatch(body)
			if status != 200 || link == nil {
				break
			}
			base, _ := url.Parse(pageURL)
			ref, _ := url.Parse(link[1])
			pageURL, status, body = get(base.ResolveReference(ref).String())
		}
		if !posted {
			report(result{Type: "NoSignInForm", Message: fmt.Sprintf("no sign-in form reached from %s (last page %s, HTTP %d)", c.StartURL, pageURL, status)})
		}
	}
	report(last)
}
`
