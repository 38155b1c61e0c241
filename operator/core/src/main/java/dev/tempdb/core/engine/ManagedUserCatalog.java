package dev.tempdb.core.engine;

import java.util.List;

/** What the orphan sweep reads: the users this operator made on one database server. */
public interface ManagedUserCatalog {

  /** Users whose name starts with the prefix and that carry this operator's marker. */
  List<ManagedUser> listManagedUsers(String prefix);
}
