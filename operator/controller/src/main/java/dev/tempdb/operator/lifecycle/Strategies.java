package dev.tempdb.operator.lifecycle;

import dev.tempdb.api.v1alpha1.Strategy;

/** The strategy of a request, as its view records it. */
record Strategies(TemporaryUserStrategy temporaryUser, RoleGrantStrategy roleGrant) {
  GrantStrategy of(RequestView view) {
    return view.strategy() == Strategy.RoleGrant ? roleGrant : temporaryUser;
  }
}
