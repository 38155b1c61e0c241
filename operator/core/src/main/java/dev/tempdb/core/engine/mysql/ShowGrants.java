package dev.tempdb.core.engine.mysql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads one line of {@code SHOW GRANTS} output, as far as the privilege check needs it. The server
 * prints what an account holds in its own canonical form, so this is the one source that covers
 * every level (global, database, table, column, routine, proxy) on both servers, named as GRANT
 * takes them. Identifiers may be quoted with backticks, double quotes (ANSI_QUOTES) or not at all
 * (sql_quote_show_create=0); all three are read.
 */
final class ShowGrants {
  private ShowGrants() {}

  /** Where a grant applies. */
  enum Level {
    GLOBAL,
    DATABASE,
    TABLE,
    ROUTINE,
    PROXY
  }

  /**
   * One privilege line.
   *
   * @param revoke a MySQL partial revoke ({@code REVOKE ... ON db.* FROM ...})
   * @param privileges upper-case names with single spaces, e.g. {@code CREATE USER}
   * @param database for DATABASE a pattern ({@code %} and {@code _} are wildcards), for TABLE and
   *     ROUTINE a name, otherwise null
   * @param granteeHost empty for a MariaDB role or PUBLIC
   */
  record Line(
      boolean revoke,
      List<String> privileges,
      Level level,
      String database,
      String grantee,
      String granteeHost,
      boolean grantOption) {}

  private record Token(String text, boolean quoted) {
    boolean is(String word) {
      return !quoted && text.equalsIgnoreCase(word);
    }
  }

  /**
   * The privileges of a line, or null for a line that grants none (a role grant such as {@code
   * GRANT `r` TO `u`@`%`}, whose source of truth is the role tables, or {@code SET DEFAULT ROLE}).
   *
   * @throws IllegalArgumentException for a GRANT or REVOKE line that cannot be read
   */
  static Line parse(String line) {
    List<Token> tokens = tokenize(line);
    if (tokens.isEmpty() || !(tokens.get(0).is("GRANT") || tokens.get(0).is("REVOKE"))) {
      return null;
    }
    boolean revoke = tokens.get(0).is("REVOKE");
    int i = 1;
    List<String> privileges = new ArrayList<>();
    StringBuilder name = new StringBuilder();
    while (true) {
      Token t = at(tokens, i++);
      if (t.quoted() && name.isEmpty() && privileges.isEmpty()) {
        return null; // GRANT `role` TO ...: privilege names are never quoted
      }
      if (t.is("ON") || t.is(",") || t.is("(")) {
        if (name.isEmpty()) {
          throw new IllegalArgumentException("a privilege name is missing");
        }
        privileges.add(name.toString().toUpperCase(Locale.ROOT));
        name.setLength(0);
        if (t.is("(")) {
          i = skipColumns(tokens, i);
          t = at(tokens, i++);
          if (t.is(",")) {
            continue;
          }
          if (!t.is("ON")) {
            throw new IllegalArgumentException("expected ON after a column list");
          }
        }
        if (t.is("ON")) {
          break;
        }
      } else if (t.is("TO") || t.is("FROM") || t.is("@")) {
        return null; // a role grant with an unquoted role name
      } else if (t.quoted()) {
        throw new IllegalArgumentException("a quoted name among the privileges");
      } else {
        name.append(name.isEmpty() ? "" : " ").append(t.text());
      }
    }
    Level level;
    String database = null;
    Token first = at(tokens, i++);
    if (privileges.equals(List.of("PROXY"))) {
      level = Level.PROXY;
      i = skipAccount(tokens, i - 1);
    } else {
      boolean routine = false;
      // A keyword followed by "." is a database name; otherwise it says what kind of object.
      while (!at(tokens, i).is(".")) {
        if (!(first.is("PROCEDURE")
            || first.is("FUNCTION")
            || first.is("PACKAGE")
            || first.is("BODY")
            || first.is("TABLE"))) {
          throw new IllegalArgumentException("an unknown object type " + first.text());
        }
        routine |= !first.is("TABLE");
        first = at(tokens, i++);
      }
      if (!at(tokens, i++).is(".")) {
        throw new IllegalArgumentException("expected db.object after ON");
      }
      Token second = at(tokens, i++);
      if (first.is("*") && second.is("*")) {
        level = Level.GLOBAL;
      } else if (second.is("*")) {
        level = Level.DATABASE;
        database = first.text();
      } else {
        level = routine ? Level.ROUTINE : Level.TABLE;
        database = first.text();
      }
    }
    if (!at(tokens, i++).is(revoke ? "FROM" : "TO")) {
      throw new IllegalArgumentException("expected " + (revoke ? "FROM" : "TO"));
    }
    String grantee = at(tokens, i++).text();
    String host = "";
    if (i < tokens.size() && tokens.get(i).is("@")) {
      host = at(tokens, i + 1).text();
      i += 2;
    }
    boolean grantOption = false;
    for (; i + 1 < tokens.size(); i++) {
      grantOption |= tokens.get(i).is("GRANT") && tokens.get(i + 1).is("OPTION");
    }
    return new Line(revoke, List.copyOf(privileges), level, database, grantee, host, grantOption);
  }

  /**
   * Accounts in a comma-separated list such as MySQL's {@code mandatory_roles} ({@code
   * `r1`@`%`,r2}); a missing host is {@code %}. Returns name/host pairs.
   */
  static List<String[]> accounts(String list) {
    List<String[]> accounts = new ArrayList<>();
    List<Token> tokens = tokenize(list);
    for (int i = 0; i < tokens.size(); i++) {
      String name = tokens.get(i).text();
      String host = "%";
      if (i + 1 < tokens.size() && tokens.get(i + 1).is("@")) {
        host = at(tokens, i + 2).text();
        i += 2;
      }
      accounts.add(new String[] {name, host});
      if (i + 1 < tokens.size() && !tokens.get(++i).is(",")) {
        throw new IllegalArgumentException("expected a comma between accounts");
      }
    }
    return accounts;
  }

  private static int skipColumns(List<Token> tokens, int i) {
    while (!at(tokens, i).is(")")) {
      i++;
    }
    return i + 1;
  }

  /** Skips {@code 'user'@'host'} starting at {@code i}; returns the index after it. */
  private static int skipAccount(List<Token> tokens, int i) {
    i++;
    if (i < tokens.size() && tokens.get(i).is("@")) {
      i += 2;
    }
    return i;
  }

  private static Token at(List<Token> tokens, int i) {
    if (i >= tokens.size()) {
      throw new IllegalArgumentException("the line ends too early");
    }
    return tokens.get(i);
  }

  private static List<Token> tokenize(String line) {
    List<Token> tokens = new ArrayList<>();
    int i = 0;
    while (i < line.length()) {
      char ch = line.charAt(i);
      if (Character.isWhitespace(ch)) {
        i++;
      } else if (ch == '`' || ch == '"' || ch == '\'') {
        StringBuilder text = new StringBuilder();
        i++;
        while (true) {
          if (i >= line.length()) {
            throw new IllegalArgumentException("an unterminated quoted name");
          }
          char c = line.charAt(i++);
          if (c == '\\' && ch == '\'' && i < line.length()) {
            text.append(line.charAt(i++)); // string literals escape with a backslash
          } else if (c == ch && i < line.length() && line.charAt(i) == ch) {
            text.append(ch); // a doubled quote stands for itself
            i++;
          } else if (c == ch) {
            break;
          } else {
            text.append(c);
          }
        }
        tokens.add(new Token(text.toString(), true));
      } else if ("(),.@*;".indexOf(ch) >= 0) {
        tokens.add(new Token(String.valueOf(ch), false));
        i++;
      } else {
        int start = i;
        while (i < line.length()
            && !Character.isWhitespace(line.charAt(i))
            && "(),.@*;`\"'".indexOf(line.charAt(i)) < 0) {
          i++;
        }
        tokens.add(new Token(line.substring(start, i), false));
      }
    }
    return tokens;
  }
}
