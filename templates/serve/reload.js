// Injected by `preflight serve` only (never part of the built site): reload the page when a
// rebuild changes the version the server reports.
(function () {
  'use strict';
  var seen = null;
  function poll() {
    fetch('/__preflight/version', { cache: 'no-store' })
      .then(function (r) { return r.text(); })
      .then(function (v) {
        if (seen === null) { seen = v; } else if (v !== seen) { location.reload(); }
      }, function () { /* server stopped: keep trying quietly */ })
      .then(function () { setTimeout(poll, 400); });
  }
  poll();
}());
