// The simulated Jira frame: routes, the user switcher, and the host side of the Forge bridge
// stand-in (answers the page's invokeRemote, getContext and router calls).
(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('jira-config').textContent);
  var issue = config.issue;
  var USER_KEY = 'patgate-simulated-jira-user';
  var THEME_KEY = 'patgate-simulated-jira-theme';
  document.documentElement.setAttribute('data-color-mode', window.localStorage.getItem(THEME_KEY) === 'dark' ? 'dark' : 'light');
  var path = window.location.pathname;
  var params = new URLSearchParams(window.location.search);

  var currentUser = function () {
    var stored = window.localStorage.getItem(USER_KEY);
    return config.users.some(function (u) { return u.accountId === stored; }) ? stored : config.users[0].accountId;
  };

  var el = function (tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') node.textContent = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return node;
  };

  var settingsPath = '/jira/settings/personal/apps/patgate-user-settings';
  var adminPath = '/jira/settings/apps/patgate-admin';
  var issuePath = '/browse/' + issue.key;

  var route = (function () {
    if (path === adminPath) {
      // A deep link to one integration (the admin page scrolls its card into view), as for the settings page.
      var integration = params.get('integrationId');
      return { page: 'admin', title: 'Manage Git repositories', crumbs: ['Jira settings', 'Apps'], nav: 'settings', query: integration ? '?integrationId=' + encodeURIComponent(integration) : '' };
    }
    if (path === settingsPath || /^\/jira\/settings\/personal\/apps\//.test(path) || /\/plugins\/servlet\/ac\/[^/]+\/patgate-user-settings$/.test(path)) {
      var focus = params.get('integrationId') || params.get('ac.integrationId');
      return { page: 'settings', title: 'Git personal access tokens', crumbs: ['Personal settings'], nav: 'personal', query: focus ? '?integrationId=' + encodeURIComponent(focus) : '' };
    }
    if (path === issuePath) return { page: 'panel', title: issue.summary, crumbs: ['Projects', issue.projectName, issue.key], nav: 'project', issue: true };
    return { page: null, title: 'Your work', crumbs: [], nav: 'home' };
  })();

  // Header: user switcher (switching reloads, as signing in as someone else would).
  var switcher = document.getElementById('user-switcher');
  config.users.forEach(function (u) {
    var option = el('option', { value: u.accountId, text: u.name + ' (' + u.accountId + ')' });
    if (u.accountId === currentUser()) option.selected = true;
    switcher.appendChild(option);
  });
  switcher.addEventListener('change', function () {
    window.localStorage.setItem(USER_KEY, switcher.value);
    window.location.reload();
  });

  // Left navigation.
  var link = function (href, text, current) {
    var a = el('a', { href: href, text: text });
    if (current) a.setAttribute('aria-current', 'page');
    return el('li', {}, [a]);
  };
  var sidebar = document.getElementById('sidebar');
  sidebar.appendChild(el('div', { class: 'project' }, [el('span', { class: 'avatar', 'aria-hidden': 'true', text: issue.projectKey.slice(0, 2) }), el('span', { text: issue.projectName })]));
  sidebar.appendChild(el('h2', { text: 'Planning' }));
  sidebar.appendChild(el('ul', {}, [link(issuePath, issue.key + ' ' + issue.summary, route.nav === 'project')]));
  sidebar.appendChild(el('h2', { text: 'Jira settings' }));
  sidebar.appendChild(el('ul', {}, [link(adminPath, 'Manage Git repositories', route.nav === 'settings')]));
  sidebar.appendChild(el('h2', { text: 'Personal settings' }));
  sidebar.appendChild(el('ul', {}, [link(settingsPath, 'Git personal access tokens', route.nav === 'personal')]));

  // The issue's remote links, under "Web links" as Jira's issue view lists them: what the app wrote
  // with POST /rest/api/3/issue/{key}/remotelink. Read again after each call the app's page makes
  // that changes something, every 5 s while the tab is visible, and with the Refresh button.
  var refreshWebLinks = function () {};
  var webLinksSection = function () {
    var list = el('ul', { class: 'web-links', id: 'web-links' });
    var count = el('p', { class: 'web-links-count', id: 'web-links-count', role: 'status', 'aria-live': 'polite' });
    var refresh = el('button', { type: 'button', class: 'web-links-refresh', id: 'web-links-refresh', text: 'Refresh web links' });
    var shown = null;
    var render = function (links) {
      var key = JSON.stringify(links);
      if (key === shown) return;
      shown = key;
      list.textContent = '';
      links.forEach(function (link) {
        var anchor = el('a', { href: link.url, rel: 'noopener noreferrer', text: link.title });
        if (link.resolved) anchor.setAttribute('class', 'resolved');
        var item = el('li', { 'data-link-id': String(link.id) }, [
          el('span', { class: 'web-link-kind', text: link.kind || 'Link' }),
          anchor,
        ]);
        if (link.summary) item.appendChild(el('span', { class: 'web-link-summary', text: link.summary }));
        list.appendChild(item);
      });
      count.textContent = links.length === 0 ? 'No web links yet.' : links.length === 1 ? '1 web link' : links.length + ' web links';
    };
    refreshWebLinks = function () {
      return fetch('/_jira/issues/' + encodeURIComponent(issue.key) + '/remotelinks', { cache: 'no-store' })
        .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
        .then(function (answer) { render(answer.links || []); })
        .catch(function () { count.textContent = 'Web links could not be loaded.'; shown = null; });
    };
    refresh.addEventListener('click', function () { refreshWebLinks(); });
    window.setInterval(function () { if (document.visibilityState === 'visible') refreshWebLinks(); }, 5000);
    refreshWebLinks();
    return el('section', { class: 'web-links-section', 'aria-labelledby': 'web-links-heading' }, [
      el('div', { class: 'web-links-header' }, [el('h2', { id: 'web-links-heading', text: 'Web links' }), refresh]),
      count,
      list,
    ]);
  };

  // Main content.
  var main = document.getElementById('main');
  if (route.crumbs.length) {
    main.appendChild(el('nav', { 'aria-label': 'Breadcrumbs' }, [el('ol', { class: 'breadcrumbs' }, route.crumbs.map(function (c) { return el('li', { text: c }); }))]));
  }
  var frame = null;
  if (route.page) {
    frame = el('iframe', {
      id: 'patgate-app',
      class: 'app-frame',
      title: 'patgate: ' + (route.page === 'panel' ? 'Git' : route.title),
      src: '/app/' + route.page + '/index.html' + (route.query || ''),
    });
  }
  if (route.issue) {
    document.title = issue.key + ' ' + issue.summary + ' · Jira (simulated)';
    var body = el('div', {}, [
      el('p', { class: 'key', text: issue.key }),
      el('h1', { class: 'page-title', text: issue.summary }),
      el('h2', { text: 'Description', style: 'font-size:14px;margin:0' }),
      el('p', { class: 'description', text: issue.description }),
    ]);
    body.appendChild(webLinksSection());
    // Where Jira shows a jira:issueContext module: a collapsible panel on the right, under the
    // issue's fields; Jira remembers whether the user left it expanded or collapsed.
    // https://developer.atlassian.com/platform/forge/manifest-reference/modules/jira-issue-context/
    var CONTEXT_KEY = 'patgate-simulated-jira-context-collapsed';
    var toggle = el('button', { type: 'button', class: 'context-toggle', id: 'patgate-issue-context-toggle', 'aria-controls': 'patgate-issue-context' }, [
      el('img', { src: '/_jira/icon.svg', alt: '', width: '16', height: '16' }),
      el('span', { class: 'context-title', text: 'Git (patgate)' }),
      el('span', { class: 'context-label', text: 'Git branches and pull requests' }),
    ]);
    var region = el('div', { id: 'patgate-issue-context', role: 'region', 'aria-label': 'Git (patgate)' }, [frame]);
    var setExpanded = function (expanded) {
      toggle.setAttribute('aria-expanded', String(expanded));
      region.hidden = !expanded;
      window.localStorage.setItem(CONTEXT_KEY, expanded ? 'no' : 'yes');
    };
    setExpanded(window.localStorage.getItem(CONTEXT_KEY) !== 'yes');
    toggle.addEventListener('click', function () { setExpanded(region.hidden); });
    var details = el('section', { class: 'fields', 'aria-label': 'Details' }, [
      el('h2', { text: 'Details' }),
      el('dl', {}, [el('dt', { text: 'Assignee' }), el('dd', { text: 'Unassigned' }), el('dt', { text: 'Reporter' }), el('dd', { text: 'Ada Admin' })]),
    ]);
    main.appendChild(el('div', { class: 'issue' }, [body, el('aside', {}, [details, el('section', { class: 'context' }, [toggle, region])])]));
  } else if (frame) {
    document.title = route.title + ' · Jira (simulated)';
    main.appendChild(frame);
  } else {
    main.appendChild(el('h1', { class: 'page-title', text: 'Your work' }));
    main.appendChild(el('p', { text: 'A simulated Jira site running the patgate app against the local API. Pick a user in the header, then:' }));
    var card = function (href, title, text) {
      return el('div', { class: 'card' }, [el('h2', {}, [el('a', { href: href, text: title })]), el('p', { text: text })]);
    };
    main.appendChild(el('div', { class: 'cards' }, [
      card(adminPath, 'Manage Git repositories', 'As demo-admin: add integrations, require user PATs, per-repository overrides, audit log.'),
      card(settingsPath, 'Git personal access tokens', 'As demo-user: see your token status and save your own PAT.'),
      card(issuePath, issue.key + ' ' + issue.summary, 'The issue with the Git panel: create branches and pull requests as yourself.'),
    ]));
  }

  // The host side of the bridge stand-in.
  var context = function () {
    var base = { accountId: currentUser(), cloudId: 'simulated', siteUrl: window.location.origin, locale: 'en-US', timezone: 'UTC', moduleKey: 'patgate-' + (route.page === 'admin' ? 'admin' : route.page === 'settings' ? 'user-settings' : 'issue-context') };
    if (route.issue) base.extension = { type: 'jira:issueContext', issue: { key: issue.key, id: issue.id, type: 'Task', summary: issue.summary }, project: { key: issue.projectKey, id: '10000', type: 'software' } };
    return base;
  };

  var invokeRemote = function (payload) {
    var url = new URL(payload.path, window.location.origin);
    // Like Forge's invokeRemote: any path of the app's remote; the API decides by the FIT's module.
    if (url.origin !== window.location.origin) return Promise.reject(new Error('invokeRemote reaches only the app\'s remote'));
    var query = {};
    url.searchParams.forEach(function (v, k) { query[k] = v; });
    return fetch('/_jira/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ accountId: currentUser(), page: route.page, method: payload.method, path: url.pathname, query: query }) })
      .then(function (r) { if (!r.ok) throw new Error('the simulated Jira could not mint a token'); return r.json(); })
      .then(function (minted) {
        var headers = Object.assign({}, payload.headers || {}, minted.headers);
        return fetch(url.pathname + url.search, { method: payload.method, headers: headers, body: payload.body === undefined ? undefined : JSON.stringify(payload.body) });
      })
      .then(function (response) {
        return response.text().then(function (text) {
          var body;
          try { body = text ? JSON.parse(text) : undefined; } catch { body = text; }
          var headers = {};
          response.headers.forEach(function (v, k) { headers[k] = [v]; });
          var answer = { status: response.status, headers: headers, body: body };
        if (payload.method !== 'GET') refreshWebLinks();
          return response.ok ? { success: true, payload: answer } : { success: false, error: answer };
        });
      });
  };

  var navigate = function (payload) {
    var target = new URL(payload.url, window.location.origin);
    // Links into Jira (e.g. the setupUrl, on the Jira simulator's host) open the matching page here.
    if (/\/patgate-user-settings$/.test(target.pathname) || /\/jira\/settings\/personal\/apps\//.test(target.pathname)) {
      var id = target.searchParams.get('integrationId') || target.searchParams.get('ac.integrationId');
      target = new URL(settingsPath + (id ? '?integrationId=' + encodeURIComponent(id) : ''), window.location.origin);
    }
    if (payload.type === 'new-tab' || target.origin !== window.location.origin) window.open(target.href, '_blank', 'noopener');
    else window.location.assign(target.href);
    return Promise.resolve();
  };

  // Theme: Jira's appearance setting, here a switch in the header. A page that called
  // view.theme.enable() gets the current mode and every later change.
  var themed = false;
  var themeMode = function () { return document.documentElement.getAttribute('data-color-mode') === 'dark' ? 'dark' : 'light'; };
  var themeSwitch = document.getElementById('theme-switcher');
  themeSwitch.value = themeMode();
  themeSwitch.addEventListener('change', function () {
    var mode = themeSwitch.value === 'dark' ? 'dark' : 'light';
    window.localStorage.setItem(THEME_KEY, mode);
    document.documentElement.setAttribute('data-color-mode', mode);
    if (themed && frame) frame.contentWindow.postMessage({ type: 'patgate-theme', colorMode: mode }, window.location.origin);
  });

  var handle = function (command, payload) {
    if (command === 'enableTheming') {
      themed = true;
      return Promise.resolve({ colorMode: themeMode() });
    }
    if (command === 'invoke') return invokeRemote(payload);
    if (command === 'getContext') return Promise.resolve(context());
    if (command === 'navigate' || command === 'open') return navigate(payload);
    return Promise.reject(new Error('The simulated Jira does not offer ' + command));
  };

  window.addEventListener('message', function (event) {
    if (!frame || event.source !== frame.contentWindow || event.origin !== window.location.origin) return;
    var message = event.data;
    if (!message || typeof message !== 'object') return;
    if (message.type === 'patgate-resize') {
      frame.style.height = Math.max(320, Number(message.height) || 0) + 'px';
      return;
    }
    if (message.type !== 'patgate-bridge') return;
    var reply = function (ok, result, error) {
      frame.contentWindow.postMessage({ type: 'patgate-bridge-reply', id: message.id, ok: ok, result: result, error: error }, window.location.origin);
    };
    handle(message.cmd, message.payload).then(
      function (result) { reply(true, result); },
      function (error) { reply(false, undefined, String((error && error.message) || error)); }
    );
  });
})();
