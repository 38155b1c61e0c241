package dev.tempdb.sym.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Checks the token as EKS does: decodes the presigned URL and recomputes its SigV4 signature
 * independently (canonical request with the signed cluster header and an empty-body hash, as STS
 * expects for a GET), so a token the signer got subtly wrong fails here rather than in a cluster.
 */
class EksTokensTest {
  private static final Instant NOW = Instant.parse("2026-11-21T14:47:29Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

  @Test
  void theTokenIsAPresignedGetCallerIdentityThatSignsTheClusterName() throws Exception {
    String token =
        EksTokens.create(
            AwsBasicCredentials.create("AKIDEXAMPLE", SECRET), "us-east-1", "prod-eks", CLOCK);

    assertThat(token).startsWith("k8s-aws-v1.").doesNotContain("=");
    URI url = decode(token);
    Map<String, String> query = query(url);
    assertThat(url.getScheme()).isEqualTo("https");
    assertThat(url.getHost()).isEqualTo("sts.us-east-1.amazonaws.com");
    assertThat(query)
        .containsEntry("Action", "GetCallerIdentity")
        .containsEntry("Version", "2011-06-15")
        .containsEntry("X-Amz-Algorithm", "AWS4-HMAC-SHA256")
        .containsEntry("X-Amz-Credential", "AKIDEXAMPLE/20261121/us-east-1/sts/aws4_request")
        .containsEntry("X-Amz-Date", "20261121T144729Z")
        .containsEntry("X-Amz-Expires", "60")
        .containsEntry("X-Amz-SignedHeaders", "host;x-k8s-aws-id");
    assertThat(query.get("X-Amz-Signature")).isEqualTo(expectedSignature(url, "prod-eks"));
  }

  @Test
  void anotherClusterOrKeyGivesAnotherSignature() throws Exception {
    var credentials = AwsBasicCredentials.create("AKIDEXAMPLE", SECRET);
    String prod = EksTokens.create(credentials, "us-east-1", "prod-eks", CLOCK);
    String staging = EksTokens.create(credentials, "us-east-1", "staging-eks", CLOCK);

    assertThat(query(decode(staging)).get("X-Amz-Signature"))
        .isNotEqualTo(query(decode(prod)).get("X-Amz-Signature"))
        .isEqualTo(expectedSignature(decode(staging), "staging-eks"));
    // A token for one cluster does not verify for another.
    assertThat(query(decode(prod)).get("X-Amz-Signature"))
        .isNotEqualTo(expectedSignature(decode(prod), "staging-eks"));
  }

  @Test
  void lambdaSessionCredentialsCarryTheirSessionToken() throws Exception {
    String token =
        EksTokens.create(
            AwsSessionCredentials.create("ASIAEXAMPLE", SECRET, "session-token-value"),
            "eu-west-1",
            "prod-eks",
            CLOCK);

    URI url = decode(token);
    assertThat(query(url)).containsEntry("X-Amz-Security-Token", "session-token-value");
    assertThat(query(url).get("X-Amz-Signature")).isEqualTo(expectedSignature(url, "prod-eks"));
  }

  @Test
  void theProviderReusesATokenForTenMinutesThenSignsANewOne() {
    var now = new java.util.concurrent.atomic.AtomicReference<>(NOW);
    Clock clock =
        new Clock() {
          @Override
          public ZoneOffset getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return now.get();
          }
        };
    EksTokenProvider provider =
        new EksTokenProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", SECRET)),
            "us-east-1",
            "prod-eks",
            clock);

    String first = provider.getToken();
    now.set(NOW.plus(Duration.ofMinutes(9)));
    assertThat(provider.getToken()).isEqualTo(first);
    now.set(NOW.plus(Duration.ofMinutes(10)));
    String renewed = provider.getToken();
    assertThat(renewed).isNotEqualTo(first);
    assertThat(query(decode(renewed))).containsEntry("X-Amz-Date", "20261121T145729Z");
  }

  private static URI decode(String token) {
    return URI.create(
        new String(
            Base64.getUrlDecoder().decode(token.substring(EksTokens.PREFIX.length())),
            StandardCharsets.UTF_8));
  }

  private static Map<String, String> query(URI url) {
    Map<String, String> params = new TreeMap<>();
    for (String pair : url.getRawQuery().split("&")) {
      String[] kv = pair.split("=", 2);
      params.put(
          URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
          URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
    }
    return params;
  }

  /** SigV4 per the AWS documentation, written here without the SDK. */
  private static String expectedSignature(URI url, String cluster) throws Exception {
    Map<String, String> params = query(url);
    params.remove("X-Amz-Signature");
    StringBuilder canonicalQuery = new StringBuilder();
    for (var e : params.entrySet()) {
      if (canonicalQuery.length() > 0) {
        canonicalQuery.append('&');
      }
      canonicalQuery.append(encode(e.getKey())).append('=').append(encode(e.getValue()));
    }
    String canonicalRequest =
        String.join(
            "\n",
            "GET",
            "/",
            canonicalQuery,
            "host:" + url.getHost(),
            "x-k8s-aws-id:" + cluster,
            "",
            "host;x-k8s-aws-id",
            hex(sha256(new byte[0])));
    String date = params.get("X-Amz-Date");
    String scope = params.get("X-Amz-Credential").split("/", 2)[1];
    String stringToSign =
        String.join(
            "\n",
            "AWS4-HMAC-SHA256",
            date,
            scope,
            hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8))));
    String[] parts = scope.split("/");
    byte[] key = hmac(("AWS4" + SECRET).getBytes(StandardCharsets.UTF_8), parts[0]);
    key = hmac(key, parts[1]);
    key = hmac(key, parts[2]);
    key = hmac(key, "aws4_request");
    return hex(hmac(key, stringToSign));
  }

  private static String encode(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8)
        .replace("+", "%20")
        .replace("*", "%2A")
        .replace("%7E", "~");
  }

  private static byte[] sha256(byte[] data) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(data);
  }

  private static byte[] hmac(byte[] key, String data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
