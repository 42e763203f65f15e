// The demo platform page: everything here is what a platform's own frontend would do with sentry-connect's API.
// Plain JavaScript on purpose: no build step, no CDN, nothing to install.
'use strict';

(() => {
  // sessionStorage survives the trip through Sentry's consent page in this tab, and dies with the tab.
  const SESSION_KEY = 'sentryConnectDemo.session';
  const RECONNECT_KEY = 'sentryConnectDemo.reconnecting';

  /** The callback's error codes (docs/api.md, "Linking") in words a platform user understands. */
  const CONNECT_ERRORS = {
    access_denied: 'You declined the connection, so nothing was connected.',
    authorization_failed: 'Sentry did not authorize the connection. Please try again.',
    state_invalid: 'This connection attempt could not be verified: it was started in another browser or tab, or it ' +
      'already finished. Please click Connect to Sentry again.',
    state_expired: 'The connection attempt took too long and expired. Please click Connect to Sentry again.',
    ticket_invalid: 'The connect link is not valid. Please click Connect to Sentry again.',
    ticket_expired: 'The connect link expired before it was opened. Please click Connect to Sentry again.',
    ticket_used: 'This connect link was already used. Please click Connect to Sentry again.',
    token_exchange_failed: 'Sentry did not accept the authorization. Please try again.',
    org_discovery_failed: 'Sentry authorized the connection, but the organization could not be read. Please try again.',
    sentry_unavailable: 'Sentry could not be reached. Please try again in a minute.',
    org_mismatch: 'You picked a different organization than the one this connection belongs to, so nothing changed. ' +
      'To reconnect, pick the same organization; to add another one, use Connect to Sentry.',
    grant_not_found: 'This connection no longer exists (it was disconnected meanwhile). Use Connect to Sentry instead.',
    internal_error: 'Something went wrong on our side, and nothing was connected. Please try again.',
    popup_closed: 'The Sentry window was closed before the connection was made, so nothing was connected.'
  };

  const STATUS_LABELS = { active: 'Active', revoked: 'Revoked', disconnected: 'Disconnected' };

  const REASONS = {
    refresh_rejected: 'Sentry refused to renew its access (the authorization was revoked or removed).',
    unauthorized: 'Sentry rejected its token (the authorization was revoked or removed).'
  };

  const state = {
    session: null,
    config: null,
    grants: [],
    // One results panel per grant, kept across re-renders of the grant list.
    panels: new Map(),
    highlight: null
  };

  const $ = (id) => document.getElementById(id);

  /** Builds an element; text always goes in as text, never as markup. */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === 'class') el.className = value;
      else if (key === 'dataset') Object.assign(el.dataset, value);
      else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
      else el.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : String(child));
    }
    return el;
  }

  // --- talking to the service ------------------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, body) {
      super(describeError(status, body));
      this.status = status;
      this.body = body;
      this.code = body && typeof body === 'object' ? body.code : undefined;
    }
  }

  function describeError(status, body) {
    if (body && typeof body === 'object') {
      if (body.type && body.title) return body.detail ? `${body.title}: ${body.detail}` : body.title;
      // Sentry's own error bodies pass through the proxy unchanged.
      if (body.detail) return `Sentry answered ${status}: ${body.detail}`;
      if (body.error) return `Error ${status}: ${body.error}`;
    }
    if (typeof body === 'string' && body.trim() && body.length < 300) return `Error ${status}: ${body}`;
    return `The request failed with HTTP ${status}.`;
  }

  async function request(method, path, body, { auth = true, retry = true } = {}) {
    const headers = { Accept: 'application/json' };
    if (auth) headers.Authorization = 'Bearer ' + state.session.token;
    const init = { method, headers, cache: 'no-store', credentials: 'same-origin' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const response = await fetch(path, init);
    if (response.status === 401 && auth && retry) {
      // The dev JWT lives for hours; when it has run out, mint a new one for the same tenant and user, once.
      await signIn(state.session.tenant, state.session.user);
      return request(method, path, body, { auth, retry: false });
    }
    const text = await response.text();
    let data = null;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch (e) {
        data = text;
      }
    }
    return { status: response.status, ok: response.ok, data, headers: response.headers };
  }

  async function call(method, path, body, options) {
    const response = await request(method, path, body, options);
    if (!response.ok) throw new ApiError(response.status, response.data);
    return response;
  }

  /** Sentry's Link header: {next: {cursor, results}, previous: {…}}. */
  function parseLink(header) {
    const links = {};
    if (!header) return links;
    for (const part of header.split(/,(?=\s*<)/)) {
      const rel = /rel="([^"]*)"/.exec(part);
      const cursor = /cursor="([^"]*)"/.exec(part);
      const results = /results="([^"]*)"/.exec(part);
      if (rel && cursor) links[rel[1]] = { cursor: cursor[1], results: results ? results[1] === 'true' : true };
    }
    return links;
  }

  /** Where Sentry's consent page sends the browser back to: this page, without any earlier outcome in the query. */
  function returnTo() {
    return location.origin + location.pathname;
  }

  // --- sign-in: a platform JWT from the dev token endpoint --------------------------------------------------------

  async function signIn(tenant, user) {
    const response = await call('POST', '/dev/token', { tenant, user, roles: [] }, { auth: false });
    state.session = { tenant, user, token: response.data.token };
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(state.session));
  }

  function loadSession() {
    try {
      const session = JSON.parse(sessionStorage.getItem(SESSION_KEY) || 'null');
      return session && session.tenant && session.user && session.token ? session : null;
    } catch (e) {
      return null;
    }
  }

  function showSignIn() {
    $('identity').hidden = true;
    $('integrations').hidden = true;
    $('sign-in-card').hidden = false;
    $('tenant').focus();
  }

  function showSignedIn() {
    $('identity-user').textContent = state.session.user;
    $('identity-tenant').textContent = state.session.tenant;
    $('identity-avatar').textContent = state.session.user.charAt(0);
    $('identity').hidden = false;
    $('sign-in-card').hidden = true;
    $('integrations').hidden = false;
  }

  async function onSignIn(event) {
    event.preventDefault();
    const tenant = $('tenant').value.trim();
    const user = $('user').value.trim();
    const error = $('sign-in-error');
    error.hidden = true;
    if (!tenant || !user) {
      error.textContent = 'Enter a tenant and a user.';
      error.hidden = false;
      return;
    }
    await busy($('sign-in'), async () => {
      try {
        await signIn(tenant, user);
      } catch (e) {
        error.textContent = e.status === 404
          ? 'The dev token endpoint is off: run the service in the dev environment (./mvnw mn:run).'
          : e.message;
        error.hidden = false;
        return;
      }
      hideFlash();
      state.panels.clear();
      showSignedIn();
      await loadGrants();
    });
  }

  function onSignOut() {
    sessionStorage.removeItem(SESSION_KEY);
    sessionStorage.removeItem(RECONNECT_KEY);
    state.session = null;
    state.grants = [];
    state.panels.clear();
    $('grants').replaceChildren();
    hideFlash();
    showSignIn();
  }

  // --- messages ---------------------------------------------------------------------------------------------------

  function flash(kind, text, code) {
    const box = $('flash');
    box.dataset.kind = kind;
    box.dataset.code = code || '';
    $('flash-text').textContent = text;
    box.hidden = false;
  }

  function hideFlash() {
    $('flash').hidden = true;
  }

  /** Runs an action with its button disabled; an error becomes the page's error message. */
  async function busy(button, action) {
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    try {
      await action();
    } catch (e) {
      flash('error', e.message || String(e), e.code);
    } finally {
      button.disabled = false;
      button.removeAttribute('aria-busy');
    }
  }

  // --- the outcome of a trip to Sentry ----------------------------------------------------------------------------

  function readOutcome() {
    const params = new URLSearchParams(location.search);
    const result = params.get('sentry_connect');
    if (!result) return null;
    // A reload must not show the outcome again.
    history.replaceState(null, '', location.pathname);
    return { result, grantId: params.get('grant_id'), code: params.get('code') };
  }

  function showOutcome(outcome) {
    const reconnecting = sessionStorage.getItem(RECONNECT_KEY);
    sessionStorage.removeItem(RECONNECT_KEY);
    if (outcome.result === 'connected') {
      const grant = state.grants.find((g) => g.id === outcome.grantId);
      const name = grant ? `${grant.organization.name} (${grant.organization.slug})` : 'Your Sentry organization';
      state.highlight = outcome.grantId;
      renderGrants();
      if (reconnecting && reconnecting === outcome.grantId) {
        flash('success', `Reconnected ${name}. Its connection is active again.`, 'reconnected');
      } else {
        flash('success', `Connected ${name}. The platform can now call Sentry's API for it.`, 'connected');
      }
    } else {
      const code = outcome.code || 'unknown';
      const text = CONNECT_ERRORS[code] || 'Connecting to Sentry failed.';
      flash('error', `${text} (error code: ${code})`, code);
    }
  }

  // --- grants -----------------------------------------------------------------------------------------------------

  async function loadGrants() {
    const grants = [];
    let path = '/api/v1/grants?limit=100';
    while (path) {
      const response = await call('GET', path);
      grants.push(...response.data);
      const next = /<([^>]*)>;\s*rel="next"/.exec(response.headers.get('Link') || '');
      path = next ? new URL(next[1], location.href).pathname + new URL(next[1], location.href).search : null;
    }
    state.grants = grants;
    renderGrants();
  }

  async function refreshGrants() {
    try {
      await loadGrants();
    } catch (e) {
      flash('error', e.message, e.code);
    }
  }

  function renderGrants() {
    const ids = new Set(state.grants.map((g) => g.id));
    for (const id of [...state.panels.keys()]) {
      if (!ids.has(id)) state.panels.delete(id);
    }
    $('grants').replaceChildren(...state.grants.map(renderGrant));
    $('no-grants').hidden = state.grants.length > 0;
  }

  function renderGrant(grant) {
    const org = grant.organization || {};
    const revoked = grant.status === 'revoked';
    const user = grant.sentry_user;
    const actions = [];
    if (!revoked) {
      actions.push(h('button', {
        type: 'button', class: 'button', dataset: { action: 'projects' },
        onclick: () => openList(grant, 'projects', { org: org.slug, orgName: org.name })
      }, 'List projects'));
    }
    actions.push(h('button', {
      type: 'button', class: 'button', dataset: { action: 'check' }, title: 'Ask Sentry whether the grant still works',
      onclick: (e) => busy(e.currentTarget, () => check(grant))
    }, 'Check'));
    if (!revoked && user && state.config && state.config.standin) {
      actions.push(h('button', {
        type: 'button', class: 'button', dataset: { action: 'revoke-at-sentry' },
        title: 'Play the user removing this app in Sentry (the stand-in\'s revoke control)',
        onclick: (e) => busy(e.currentTarget, () => revokeAtSentry(grant))
      }, 'Revoke at Sentry'));
    }
    actions.push(h('span', { class: 'spacer' }));
    actions.push(h('button', {
      type: 'button', class: 'button danger', dataset: { action: 'disconnect' },
      onclick: (e) => busy(e.currentTarget, () => disconnect(grant))
    }, 'Disconnect'));

    const card = h('article', {
      class: 'card grant' + (state.highlight === grant.id ? ' highlight' : ''),
      dataset: { grantId: grant.id, status: grant.status, org: org.slug || '' }
    },
    h('div', { class: 'grant-head' },
      h('div', { class: 'org-avatar', 'aria-hidden': 'true' }, (org.name || org.slug || '?').charAt(0)),
      h('div', { class: 'grant-title' },
        h('h3', { 'data-role': 'org-name' }, org.name || org.slug),
        h('span', { class: 'slug' }, `${org.slug} · organization ${org.id} · connected ${day(grant.created_at)}`)),
      h('span', { class: `badge status-${grant.status}`, 'data-role': 'status' },
        STATUS_LABELS[grant.status] || grant.status)),
    revoked ? h('div', { class: 'callout', 'data-role': 'reconnect-callout' },
      h('p', {},
        h('strong', {}, 'Sentry no longer accepts this connection. '),
        REASONS[grant.status_reason] || '',
        ' Reconnect to restore access: it keeps this connection and its id.'),
      h('button', {
        type: 'button', class: 'button primary', dataset: { action: 'reconnect' },
        onclick: (e) => busy(e.currentTarget, () => reconnect(grant))
      }, 'Reconnect')) : null,
    h('dl', { class: 'facts' },
      fact('Region', regionName(org.region_url), org.region_url),
      fact('Sentry user', user ? h('span', {}, user.name || user.id, user.email ? h('span', { class: 'sub' }, user.email) : null)
        : '—'),
      fact('Access token expires', when(grant.expires_at)),
      fact('Last refreshed', grant.last_refreshed_at ? when(grant.last_refreshed_at)
        : h('span', {}, 'Not yet', h('span', { class: 'sub' }, 'refreshed before it expires'))),
      fact('Scopes', h('span', { class: 'chips', 'data-role': 'scopes' },
        (grant.scopes || []).map((s) => h('span', { class: 'chip' }, s))), null, 'wide')),
    h('div', { class: 'actions' }, actions));

    const panel = state.panels.get(grant.id);
    if (panel) card.append(panel);
    return card;
  }

  function fact(label, value, title, extraClass) {
    return h('div', { class: extraClass || null }, h('dt', {}, label), h('dd', { title: title || null }, value));
  }

  /** The region's name where we know it (the stand-in's regions, sentry.io's us/de hosts), else the host. */
  function regionName(url) {
    if (!url) return '—';
    const plain = url.replace(/\/+$/, '');
    const regions = (state.config && state.config.standin && state.config.standin.regions) || {};
    for (const [name, regionUrl] of Object.entries(regions)) {
      if (regionUrl.replace(/\/+$/, '') === plain) return name;
    }
    try {
      const host = new URL(url).host;
      const saas = /^([a-z]{2})\.sentry\.io$/.exec(host);
      return saas ? saas[1] : host;
    } catch (e) {
      return url;
    }
  }

  function day(iso) {
    const date = new Date(iso);
    return isNaN(date) ? String(iso) : date.toLocaleDateString(undefined, { dateStyle: 'medium' });
  }

  /** A time as the date, and how far from now below it. */
  function when(iso) {
    if (!iso) return '—';
    const date = new Date(iso);
    if (isNaN(date)) return iso;
    const absolute = date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
    return h('span', { title: iso }, absolute, h('span', { class: 'sub' }, relative(date)));
  }

  function relative(value) {
    const date = value instanceof Date ? value : new Date(value);
    if (isNaN(date)) return String(value);
    const seconds = Math.round((date.getTime() - Date.now()) / 1000);
    const units = [['year', 31536000], ['month', 2592000], ['day', 86400], ['hour', 3600], ['minute', 60]];
    const format = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
    for (const [unit, size] of units) {
      if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
    }
    return format.format(0, 'minute');
  }

  // --- actions ----------------------------------------------------------------------------------------------------

  // Connect and Reconnect go through the Connect button script (sentry-connect.js): Sentry's consent in a popup,
  // the outcome back as a promise; when the browser blocks the popup, the page goes to Sentry itself and reads the
  // outcome from its URL on return (readOutcome).
  async function connect() {
    await viaConnectScript(null, () => call('POST', '/api/v1/links', { return_to: returnTo() }));
  }

  async function reconnect(grant) {
    await viaConnectScript(grant.id, () => call('POST', `/api/v1/grants/${encodeURIComponent(grant.id)}/reconnect`,
      { return_to: returnTo() }));
  }

  async function viaConnectScript(reconnecting, createLink) {
    if (reconnecting) sessionStorage.setItem(RECONNECT_KEY, reconnecting); else sessionStorage.removeItem(RECONNECT_KEY);
    let result;
    try {
      result = await SentryConnect.connect(async () => (await createLink()).data.link_url);
    } catch (e) {
      if (e.name !== 'SentryConnectError') throw e;
      showOutcome({ result: 'error', code: e.code });
      return;
    }
    await refreshGrants();
    showOutcome({ result: 'connected', grantId: result.grant_id });
  }

  async function check(grant) {
    const response = await call('POST', `/api/v1/grants/${encodeURIComponent(grant.id)}/check`);
    const checked = response.data;
    const name = checked.organization.name;
    await loadGrants();
    if (checked.status === 'active') {
      flash('success', `Checked ${name}: Sentry accepts the connection.`, 'check_active');
    } else {
      flash('error', `Checked ${name}: Sentry no longer accepts the connection. Reconnect to restore access.`,
        'check_' + checked.status);
    }
  }

  async function revokeAtSentry(grant) {
    const response = await call('POST', '/demo/api/standin/revoke',
      { user_id: grant.sentry_user.id, org_slug: grant.organization.slug });
    const count = response.data.revoked_tokens;
    flash('info', `Revoked at Sentry: the stand-in deleted ${count} token${count === 1 ? '' : 's'} of ` +
      `${grant.organization.name}, as if the user had removed the app in Sentry. The service does not know yet; it ` +
      'finds out at its next call to Sentry: click List projects or Check.', 'revoked_at_sentry');
  }

  async function disconnect(grant) {
    await call('DELETE', `/api/v1/grants/${encodeURIComponent(grant.id)}`);
    state.panels.delete(grant.id);
    await loadGrants();
    flash('success', `Disconnected ${grant.organization.name}: its tokens are destroyed, and the platform can no ` +
      'longer call Sentry for it.', 'disconnected');
  }

  // --- calling Sentry through the grant: projects and issues, page by page -----------------------------------------

  const LISTS = {
    projects: {
      title: (ctx) => `Projects of ${ctx.orgName}`,
      path: (ctx) => `organizations/${encodeURIComponent(ctx.org)}/projects/`,
      columns: ['Project', 'Platform', 'ID', ''],
      unit: ['project', 'projects'],
      row: (project, ctx, grant) => h('tr', { dataset: { key: project.slug } },
        h('td', {}, h('strong', {}, project.name), ' ', h('span', { class: 'muted' }, project.slug)),
        h('td', {}, project.platform || '—'),
        h('td', { class: 'mono' }, project.id),
        h('td', { class: 'num' }, h('button', {
          type: 'button', class: 'button small', dataset: { action: 'issues', project: project.slug },
          onclick: () => openList(grant, 'issues', { ...ctx, project: project.slug, projectName: project.name })
        }, 'Issues')))
    },
    issues: {
      title: (ctx) => `Unresolved issues in ${ctx.projectName}`,
      path: (ctx) => `projects/${encodeURIComponent(ctx.org)}/${encodeURIComponent(ctx.project)}/issues/`,
      columns: ['Issue', 'Title', 'Events', 'Users', 'Last seen'],
      unit: ['issue', 'issues'],
      row: (issue) => h('tr', { dataset: { key: issue.shortId } },
        h('td', { class: 'mono' }, h('span', { class: `level ${issue.level || ''}`, title: issue.level || '' }),
          issue.shortId),
        h('td', { class: 'title', title: issue.title }, issue.title),
        h('td', { class: 'num' }, issue.count),
        h('td', { class: 'num' }, issue.userCount),
        h('td', { class: 'nowrap', title: issue.lastSeen || '' }, issue.lastSeen ? relative(issue.lastSeen) : '—'))
    }
  };

  function panelFor(grantId) {
    let panel = state.panels.get(grantId);
    if (!panel) {
      panel = h('section', { class: 'results', 'data-role': 'results' });
      state.panels.set(grantId, panel);
      const card = document.querySelector(`article.grant[data-grant-id="${CSS.escape(grantId)}"]`);
      if (card) card.append(panel);
    }
    return panel;
  }

  async function openList(grant, kind, ctx, cursor, page) {
    const spec = LISTS[kind];
    const pageNumber = page || 1;
    const panel = panelFor(grant.id);
    const query = cursor ? '?cursor=' + encodeURIComponent(cursor) : '';
    const sentryPath = spec.path(ctx) + query;
    const close = h('button', {
      type: 'button', class: 'button ghost small', dataset: { action: 'close-results' },
      onclick: () => { state.panels.delete(grant.id); panel.remove(); }
    }, 'Close');
    const head = h('div', { class: 'results-head' }, h('h3', {}, spec.title(ctx)),
      h('span', { class: 'request', title: 'The call the platform made' },
        `GET /api/v1/grants/…/sentry/${sentryPath}`), close);
    panel.dataset.kind = kind;
    panel.dataset.state = 'loading';
    panel.replaceChildren(head, h('p', { class: 'loading' }, 'Calling Sentry…'));
    let response;
    try {
      response = await call('GET', `/api/v1/grants/${encodeURIComponent(grant.id)}/sentry/${sentryPath}`);
    } catch (e) {
      panel.dataset.state = 'error';
      panel.dataset.code = e.code || '';
      panel.replaceChildren(head, h('p', { class: 'error-text', 'data-role': 'error' }, e.message));
      if (e.code === 'grant_revoked' || e.code === 'grant_disconnected') {
        state.panels.delete(grant.id);
        await refreshGrants();
        flash('error', e.code === 'grant_revoked'
          ? `Sentry rejected the call for ${grant.organization.name}: the authorization was revoked at Sentry. ` +
            'The connection is now marked revoked; click Reconnect to restore it.'
          : `${grant.organization.name} was disconnected; connect it again to call Sentry.`, e.code);
      }
      return;
    }
    const rows = Array.isArray(response.data) ? response.data : [];
    const links = parseLink(response.headers.get('Link'));
    const previous = links.previous && links.previous.results ? links.previous : null;
    const next = links.next && links.next.results ? links.next : null;
    const table = h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, spec.columns.map((c) => h('th', {}, c)))),
      h('tbody', { 'data-role': 'rows' }, rows.map((row) => spec.row(row, ctx, grant)))));
    const count = `${rows.length} ${rows.length === 1 ? spec.unit[0] : spec.unit[1]}`;
    const pager = h('div', { class: 'pager' },
      h('span', { 'data-role': 'page-info' }, `Page ${pageNumber} · ${count} on this page`),
      h('span', { class: 'buttons' },
        h('button', {
          type: 'button', class: 'button small', dataset: { action: 'previous-page' }, disabled: !previous,
          onclick: () => openList(grant, kind, ctx, previous.cursor, pageNumber - 1)
        }, '← Previous'),
        h('button', {
          type: 'button', class: 'button small', dataset: { action: 'next-page' }, disabled: !next,
          onclick: () => openList(grant, kind, ctx, next.cursor, pageNumber + 1)
        }, 'Next page →')));
    panel.dataset.state = 'ready';
    panel.dataset.page = String(pageNumber);
    panel.replaceChildren(head, rows.length ? table : h('p', { class: 'muted' }, `No ${spec.unit[1]}.`), pager);
  }

  // --- start ------------------------------------------------------------------------------------------------------

  function renderConfig() {
    const config = state.config;
    if (!config) return;
    const expected = new URL(config.public_url).origin;
    if (expected !== location.origin) {
      const warning = $('origin-warning');
      warning.replaceChildren(
        'Open this demo at ', h('a', { href: config.demo_url }, config.demo_url),
        `: the OAuth callback and the allowed return_to origins use that address, so Connect does not work from ` +
        `${location.origin}.`);
      warning.hidden = false;
    }
    if (config.standin) {
      $('standin-url').textContent = config.standin.url;
      // The service leaves empty lists out of its JSON.
      $('standin-accounts').replaceChildren(...(config.standin.accounts || []).map((account) => {
        const orgs = account.organizations || [];
        return h('li', {},
          h('strong', {}, account.name),
          h('div', { class: 'orgs' }, orgs.length
            ? orgs.map((o) => `${o.name} (${o.region})`).join(', ')
            : 'in no organization: the consent page refuses this user'));
      }));
      $('standin-help').hidden = false;
    }
  }

  async function start() {
    // This page as return_to inside the Connect popup: the script has handed the outcome to the opener and closes it.
    if (SentryConnect.handedOff) return;
    $('sign-in-form').addEventListener('submit', onSignIn);
    $('sign-out').addEventListener('click', onSignOut);
    $('flash-close').addEventListener('click', hideFlash);
    $('connect').addEventListener('click', (e) => busy(e.currentTarget, connect));
    $('refresh').addEventListener('click', (e) => busy(e.currentTarget, async () => {
      hideFlash();
      await loadGrants();
    }));

    const outcome = readOutcome();
    try {
      state.config = (await call('GET', '/demo/api/config', undefined, { auth: false })).data;
    } catch (e) {
      state.config = null;
    }
    try {
      renderConfig();
    } catch (e) {
      // The help panel is optional; the page works without it.
      $('standin-help').hidden = true;
    }

    state.session = loadSession();
    if (!state.session) {
      showSignIn();
      if (outcome) showOutcome(outcome);
      document.body.dataset.ready = 'true';
      return;
    }
    showSignedIn();
    await refreshGrants();
    if (outcome) showOutcome(outcome);
    document.body.dataset.ready = 'true';
  }

  document.addEventListener('DOMContentLoaded', start);
})();
