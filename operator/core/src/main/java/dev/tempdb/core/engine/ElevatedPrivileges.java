package dev.tempdb.core.engine;

import java.util.List;
import java.util.Set;

/**
 * The one rule for what a temporary user may hold after its grant SQL ran: no elevated privilege
 * (one that lets it create or change users, act as another role, or escape the database) unless the
 * target lists it in {@code spec.allowedPrivileges}. Each engine reads what the user holds,
 * directly or through any role, and reports what it found here.
 */
public final class ElevatedPrivileges {
  private ElevatedPrivileges() {}

  /**
   * One privilege the user holds and how.
   *
   * @param name upper-case name as the target allows it, e.g. {@code SUPERUSER} or {@code GRANT
   *     OPTION}
   * @param via where it comes from: "directly", or "through role X"
   */
  public record Held(String name, String via) {}

  /** The held privileges that the target does not allow, in the order found. */
  public static List<Held> notAllowed(List<Held> held, Set<String> allowed) {
    return held.stream().filter(h -> !allowed.contains(h.name())).toList();
  }

  /**
   * The permanent failure of a grant whose SQL gave privileges the target does not allow. It names
   * each privilege, where it comes from and both fixes.
   */
  public static EngineException refusal(String username, List<Held> refused) {
    StringBuilder what = new StringBuilder();
    for (Held h : refused) {
      if (!what.isEmpty()) {
        what.append(", ");
      }
      what.append(h.name()).append(" (").append(h.via()).append(')');
    }
    return new EngineException(
        "the grant SQL gave user "
            + username
            + " elevated privileges the target does not allow: "
            + what
            + "; the grant was rolled back. Remove them from spec.grant, or list them in"
            + " spec.allowedPrivileges if they are meant",
        true,
        null);
  }
}
