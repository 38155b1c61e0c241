package dev.tempdb.core.testing;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The mock API server's CRUD dispatcher, plus two things a real API server has: it answers a
 * SelfSubjectRulesReview (JOSDK checks its Lease rights with one before leader election), and it
 * keeps a log of every request, so a test can list the API calls a client made and check them
 * against the install's RBAC.
 */
public final class RecordingCrudDispatcher extends KubernetesCrudDispatcher {
  /** One API request: HTTP method, path with query, and the client's User-Agent. */
  public record ApiRequest(String method, String path, String userAgent) {}

  // What the install's RBAC grants on Leases (deploy/); the review reports the caller's rights.
  private static final String LEASE_RULES_REVIEW =
      """
      {"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectRulesReview",
       "status":{"incomplete":false,"nonResourceRules":[],
        "resourceRules":[{"apiGroups":["coordination.k8s.io"],"resources":["leases"],
                          "verbs":["get","create","update"]}]}}
      """;

  private final Queue<ApiRequest> requests = new ConcurrentLinkedQueue<>();

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    requests.add(
        new ApiRequest(request.getMethod(), request.getPath(), request.getHeader("User-Agent")));
    if ("POST".equals(request.getMethod())
        && request.getPath().startsWith("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")) {
      return new MockResponse()
          .setResponseCode(201)
          .setHeader("Content-Type", "application/json")
          .setBody(LEASE_RULES_REVIEW);
    }
    return super.dispatch(request);
  }

  List<ApiRequest> requests() {
    return List.copyOf(requests);
  }
}
