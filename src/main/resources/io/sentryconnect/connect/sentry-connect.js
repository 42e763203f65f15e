/*
 * sentry-connect's Connect button: one dependency-free script, served by the plugin at
 * {connect path}/sentry-connect.js (default /connect/sentry/sentry-connect.js) and usable as a static file.
 *
 *   SentryConnect.connect(getLinkUrl, options) -> Promise<{grant_id}>
 *
 * Call it from a click handler. getLinkUrl() returns (a promise of) a link_url that the platform's own backend got
 * from POST /api/v1/links with a return_to on this page's origin, where this script must be loaded too. Sentry's
 * consent opens in a popup; when the browser blocks it, the page itself goes to the link (a full-page redirect)
 * and the promise never settles: the outcome then arrives as return_to's query (SentryConnect.outcome()).
 * The promise resolves with {grant_id} or rejects with an Error whose code is the callback's error code
 * (access_denied, state_expired, ...), or popup_closed when the person closes the popup first.
 *
 * On the return_to page inside the popup, this script posts the outcome to the opening page (only to this page's
 * own origin), and closes the popup. The opening page accepts it only from its popup and from the expected origin.
 */
(function (global) {
  'use strict';

  var MESSAGE_TYPE = 'sentry-connect:outcome';
  // Marks the popup: a window's name survives its navigations while it keeps its opener.
  var POPUP_NAME = 'sentry-connect';
  var CLOSED_POLL_MS = 300;
  var CLOSED_GRACE_MS = 1000;

  function connectError(code, message) {
    var error = new Error(message || 'Connecting Sentry failed (' + code + ')');
    error.name = 'SentryConnectError';
    error.code = code;
    return error;
  }

  /** The outcome return_to carries: {grant_id}, {error}, or null when the query has none. */
  function outcome(search) {
    var params = new URLSearchParams(search === undefined ? global.location.search : search);
    var kind = params.get('sentry_connect');
    if (kind === 'connected' && params.get('grant_id')) return { grant_id: params.get('grant_id') };
    if (kind === 'error') return { error: params.get('code') || 'unknown_error' };
    return null;
  }

  function features(options) {
    var width = options.width || 520;
    var height = options.height || 720;
    var left = Math.max(0, Math.round((global.screenX || 0) + ((global.outerWidth || width) - width) / 2));
    var top = Math.max(0, Math.round((global.screenY || 0) + ((global.outerHeight || height) - height) / 2));
    return 'popup,width=' + width + ',height=' + height + ',left=' + left + ',top=' + top;
  }

  function connect(getLinkUrl, options) {
    options = options || {};
    var expectedOrigin = options.expectedOrigin || global.location.origin;
    // Opened now, inside the click, before any await: browsers block popups opened later.
    var popup = global.open('', POPUP_NAME, features(options));
    var linkUrl = Promise.resolve().then(function () { return getLinkUrl(); }).then(function (url) {
      var text = url && typeof url === 'object' ? url.link_url : url;
      if (typeof text !== 'string' || !/^https?:\/\//.test(text)) {
        throw connectError('invalid_link_url', 'getLinkUrl did not return an absolute http(s) link_url');
      }
      return text;
    });
    if (!popup) {
      return linkUrl.then(function (url) {
        global.location.assign(url);
        return new Promise(function () {});
      });
    }
    return new Promise(function (resolve, reject) {
      var settled = false;
      var poll = null;
      function finish(error, value) {
        if (settled) return;
        settled = true;
        global.removeEventListener('message', onMessage);
        if (poll !== null) global.clearInterval(poll);
        if (error) reject(error); else resolve(value);
      }
      function onMessage(event) {
        if (event.source !== popup || event.origin !== expectedOrigin) return;
        var data = event.data;
        if (!data || data.type !== MESSAGE_TYPE) return;
        if (typeof data.grant_id === 'string') finish(null, { grant_id: data.grant_id });
        else finish(connectError(typeof data.error === 'string' ? data.error : 'unknown_error'));
      }
      global.addEventListener('message', onMessage);
      poll = global.setInterval(function () {
        if (!popup.closed) return;
        global.clearInterval(poll);
        poll = null;
        // The popup closes itself right after posting its outcome, whose delivery may still be queued: wait for it.
        global.setTimeout(function () {
          finish(connectError('popup_closed', 'The Sentry window was closed before connecting'));
        }, CLOSED_GRACE_MS);
      }, CLOSED_POLL_MS);
      linkUrl.then(function (url) {
        if (!settled) popup.location.replace(url);
      }, function (error) {
        popup.close();
        finish(error);
      });
    });
  }

  /** On return_to inside our popup: hand the outcome to the opening page, then close. */
  function completeInPopup() {
    var result = outcome();
    if (!result || global.name !== POPUP_NAME || !global.opener || global.opener === global) return false;
    var message = { type: MESSAGE_TYPE };
    if (result.grant_id) message.grant_id = result.grant_id; else message.error = result.error;
    global.opener.postMessage(message, global.location.origin);
    global.close();
    return true;
  }

  var api = { connect: connect, outcome: outcome, handedOff: false };
  global.SentryConnect = api;
  api.handedOff = completeInPopup();
})(window);
