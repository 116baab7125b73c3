// The local stand-in for the Forge bridge inside a Custom UI page's iframe. @forge/bridge calls
// window.__bridge.callBridge(command, payload); here each call goes to the simulated Jira frame
// by postMessage and the frame answers. Forge provides the real one; the page cannot tell.
(function () {
  'use strict';
  var next = 0;
  var pending = new Map();
  window.addEventListener('message', function (event) {
    if (event.source !== window.parent || event.origin !== window.location.origin) return;
    var message = event.data;
    if (message && message.type === 'patgate-theme') return applyTheme(message.colorMode);
    if (!message || message.type !== 'patgate-bridge-reply') return;
    var waiting = pending.get(message.id);
    if (!waiting) return;
    pending.delete(message.id);
    if (message.ok) waiting.resolve(message.result);
    else waiting.reject(new Error(message.error));
  });
  var ask = function (command, payload) {
    return new Promise(function (resolve, reject) {
      next += 1;
      pending.set(next, { resolve: resolve, reject: reject });
      window.parent.postMessage({ type: 'patgate-bridge', id: next, cmd: command, payload: payload }, window.location.origin);
    });
  };
  // view.theme.enable(): what Forge's bridge does in the page, as Atlassian documents it
  // (https://developer.atlassian.com/platform/forge/design-tokens-and-theming/): mark <html> with
  // `data-theme="dark:dark light:light"` and Jira's `data-color-mode`, load the themes' token values
  // (here a stylesheet of this site, as 'self' under Forge's CSP) and follow Jira when it switches.
  var applyTheme = function (colorMode) {
    var html = document.documentElement;
    if (!document.getElementById('patgate-jira-theme')) {
      var link = document.createElement('link');
      link.id = 'patgate-jira-theme';
      link.rel = 'stylesheet';
      link.href = '/_jira/theme.css';
      document.head.appendChild(link);
    }
    html.setAttribute('data-theme', 'dark:dark light:light');
    html.setAttribute('data-color-mode', colorMode === 'dark' ? 'dark' : 'light');
  };
  window.__bridge = {
    callBridge: function (command, payload) {
      if (command === 'enableTheming') return ask(command, payload).then(function (theme) { applyTheme(theme && theme.colorMode); });
      if (command === 'createHistory') {
        // Forge gives the page a history of its own sub-route; the frame passes it in the iframe's query.
        var history = {
          location: { pathname: '/', search: window.location.search, hash: '', state: null },
          listen: function () { return function () {}; },
          push: function () {},
          replace: function () {},
        };
        return Promise.resolve(history);
      }
      return ask(command, payload);
    },
  };
  var report = function () {
    var root = document.getElementById('root') || document.body;
    window.parent.postMessage({ type: 'patgate-resize', height: Math.ceil(root.getBoundingClientRect().bottom + window.scrollY) + 24 }, window.location.origin);
  };
  window.addEventListener('load', function () {
    new ResizeObserver(report).observe(document.getElementById('root') || document.body);
    report();
  });
})();
