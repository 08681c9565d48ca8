/** The class the Java driver compiles and runs: `java -cp DIR MitmlabJavaClient ARGS`. */
export const JAVA_CLIENT_CLASS = 'MitmlabJavaClient'

/**
 * The Java client (JDK only: java.net.http.HttpClient over JSSE, PKIX
 * validation). Arguments: caFile proxyHost proxyPort url username password
 * timeoutMs [startUrl visits]. It trusts exactly the PEM's certificates (an
 * in-memory KeyStore from CertificateFactory, handed to the PKIX
 * TrustManagerFactory: no cacerts), and reaches bank.lab through the lab's
 * CONNECT tunnel (ProxySelector.of), the same stand-in for a hijacked resolver
 * the Python drivers use; HttpClient sets the endpoint identification
 * algorithm to HTTPS, so bank.lab is checked against the certificate (RFC 2818
 * §3.1) and sent as SNI. Revocation is not checked: JSSE's PKIX trust manager
 * leaves it off unless com.sun.net.ssl.checkRevocation=true, and this client
 * keeps Java's default.
 *
 * HTTP/1.1 only, like the other command-line clients, so the login is one
 * request the proxy can read. It prints `MITMLAB-STATUS <code> <login url>`,
 * or `MITMLAB-ERROR` with the exception chain (class: message, and a
 * CertPathValidatorException's reason) in Java's own words.
 */
export const JAVA_CLIENT_SOURCE = String.raw`import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.Collections;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

public final class MitmlabJavaClient {
  public static void main(String[] args) throws Exception {
    if (args.length < 7) {
      System.err.println("usage: MitmlabJavaClient caFile proxyHost proxyPort url username password timeoutMs [startUrl visits]");
      System.exit(2);
    }
    KeyStore roots = KeyStore.getInstance(KeyStore.getDefaultType());
    roots.load(null, null);
    int index = 0;
    try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
      for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        roots.setCertificateEntry("root-" + index++, certificate);
      }
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
    trust.init(roots);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    Duration timeout = Duration.ofMillis(Long.parseLong(args[6]));
    ProxySelector proxy = ProxySelector.of(new InetSocketAddress(args[1], Integer.parseInt(args[2])));
    HttpClient posting = client(context, proxy, timeout, HttpClient.Redirect.NEVER);
    String form = "username=" + URLEncoder.encode(args[4], StandardCharsets.UTF_8)
        + "&password=" + URLEncoder.encode(args[5], StandardCharsets.UTF_8);
    try {
      if (args.length < 9) {
        System.out.println("MITMLAB-STATUS " + post(posting, args[3], form, timeout) + " " + args[3]);
        return;
      }
      // The victim who types the bare name (the same two patterns as server/drivers/http-first-visit.ts);
      // HttpClient has no HSTS cache, and Redirect.NORMAL follows http to https but never back.
      HttpClient following = client(context, proxy, timeout, HttpClient.Redirect.NORMAL);
      Pattern action = Pattern.compile("<form[^>]*\\baction=\"([^\"]+)\"", Pattern.CASE_INSENSITIVE);
      Pattern signIn = Pattern.compile("<a[^>]*\\bhref=\"([^\"]*/login[^\"]*)\"", Pattern.CASE_INSENSITIVE);
      String last = null;
      for (int visit = 0; visit < Integer.parseInt(args[8]); visit++) {
        HttpResponse<String> page = get(following, args[7], timeout);
        last = null;
        for (int hop = 0; hop < 4 && last == null; hop++) {
          Matcher form_ = action.matcher(page.body());
          if (page.statusCode() == 200 && form_.find()) {
            String target = page.uri().resolve(form_.group(1)).toString();
            last = post(posting, target, form, timeout) + " " + target;
            break;
          }
          Matcher link = signIn.matcher(page.body());
          if (page.statusCode() != 200 || !link.find()) break;
          page = get(following, page.uri().resolve(link.group(1)).toString(), timeout);
        }
        if (last == null) {
          System.out.println("MITMLAB-ERROR NoSignInForm: no sign-in form reached from " + args[7] + " (last page " + page.uri() + ", HTTP " + page.statusCode() + ")");
          System.exit(3);
        }
      }
      System.out.println("MITMLAB-STATUS " + last);
    } catch (Exception error) {
      System.out.println("MITMLAB-ERROR " + describe(error));
      System.exit(3);
    }
  }

  static HttpClient client(SSLContext context, ProxySelector proxy, Duration timeout, HttpClient.Redirect redirect) {
    return HttpClient.newBuilder().sslContext(context).proxy(proxy).connectTimeout(timeout)
        .followRedirects(redirect).version(HttpClient.Version.HTTP_1_1).build();
  }

  static int post(HttpClient client, String url, String form, Duration timeout) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build();
    return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  static HttpResponse<String> get(HttpClient client, String url, Duration timeout) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** The exception chain in Java's words: class: message, outermost first, with a CertPathValidatorException's reason. */
  static String describe(Throwable error) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    List<String> parts = new ArrayList<>();
    for (Throwable current = error; current != null && parts.size() < 8 && seen.add(current); current = current.getCause()) {
      String part = current.getClass().getName() + ": " + current.getMessage();
      if (current instanceof CertPathValidatorException validator && validator.getReason() != null) {
        part += " [reason=" + validator.getReason() + "]";
      }
      parts.add(part.replace('\n', ' '));
    }
    return String.join(" | caused by ", parts);
  }
}
`
