// Shared by the console's pages: the key kept for the tab, calls to the service, and small renderers.
'use strict';

const Console = (() => {
  const KEY = 'invoice-streams.key';
  let pendingKey = null; // resolves the promise of askKey() when the operator submits the form

  function key() { return sessionStorage.getItem(KEY); }

  function status(message, kind) {
    const box = document.getElementById('status');
    if (!box) return;
    box.textContent = message;
    box.className = kind || '';
  }

  /** Calls the service; rejects with the problem's detail when the answer is not 2xx. */
  async function api(path, options = {}) {
    const headers = Object.assign({ 'Accept': 'application/json' }, options.headers || {});
    if (key()) headers['X-API-Key'] = key();
    const response = await fetch(path, Object.assign({}, options, { headers }));
    if (response.status === 204) return null;
    const text = await response.text();
    let body = null;
    try { body = text ? JSON.parse(text) : null; } catch (e) { body = { detail: text }; }
    if (!response.ok) {
      const error = new Error((body && (body.detail || body.title)) || ('HTTP ' + response.status));
      error.status = response.status;
      throw error;
    }
    return body;
  }

  /** Shows the key form and resolves once a key is entered (or null when cancelled). */
  function askKey(reason) {
    const panel = document.getElementById('key-panel');
    document.getElementById('key-reason').textContent = reason
      || 'Actions need an admin key. It is kept for this tab only.';
    panel.hidden = false;
    document.getElementById('key-input').focus();
    return new Promise(resolve => { pendingKey = resolve; });
  }

  /** The form that asks for the key, the same on every page, hidden until an action needs it. */
  function keyPanel() {
    const slot = document.getElementById('key-slot');
    if (!slot) return;
    slot.outerHTML = '<section id="key-panel" class="panel" hidden aria-labelledby="key-title">'
      + '<h2 id="key-title">Key</h2><p id="key-reason" class="muted"></p>'
      + '<form id="key-form"><label for="key-input">Key</label>'
      + '<input type="password" id="key-input" autocomplete="off" required>'
      + '<button type="submit">Use this key</button><button type="button" id="key-cancel">Cancel</button></form>'
      + '</section>';
  }

  function wireKeyForm() {
    keyPanel();
    const form = document.getElementById('key-form');
    if (!form) return;
    form.addEventListener('submit', event => {
      event.preventDefault();
      const input = document.getElementById('key-input');
      sessionStorage.setItem(KEY, input.value.trim());
      input.value = '';
      document.getElementById('key-panel').hidden = true;
      if (pendingKey) { pendingKey(key()); pendingKey = null; }
      status('Key saved for this tab.', 'ok');
    });
    document.getElementById('key-cancel').addEventListener('click', () => {
      document.getElementById('key-panel').hidden = true;
      if (pendingKey) { pendingKey(null); pendingKey = null; }
    });
    document.getElementById('key-button').addEventListener('click', () => askKey());
  }

  /** A cell's text; null and undefined show as a dash. */
  function text(value) { return value === null || value === undefined ? '–' : String(value); }

  function number(value, digits) {
    if (value === null || value === undefined) return '–';
    return Number(value).toLocaleString('en', { maximumFractionDigits: digits === undefined ? 0 : digits });
  }

  function ago(instant) {
    if (!instant) return '–';
    const seconds = Math.max(0, Math.round((Date.now() - Date.parse(instant)) / 1000));
    if (seconds < 90) return seconds + ' s ago';
    if (seconds < 5400) return Math.round(seconds / 60) + ' min ago';
    return new Date(instant).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
  }

  function cell(row, content, className) {
    const td = document.createElement('td');
    if (content instanceof Node) td.appendChild(content); else td.textContent = text(content);
    if (className) td.className = className;
    row.appendChild(td);
    return td;
  }

  function button(label, onClick, className) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    if (className) b.className = className;
    b.addEventListener('click', onClick);
    return b;
  }

  /**
   * A small line chart of the values, oldest first, in a window of {@code slots} readings, as inline SVG with a text
   * label for screen readers.
   */
  function sparkline(values, label, slots) {
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    const width = 120, height = 24;
    svg.setAttribute('width', width);
    svg.setAttribute('height', height);
    svg.setAttribute('class', 'spark');
    svg.setAttribute('role', 'img');
    const max = Math.max(1, ...values);
    svg.setAttribute('aria-label', label + ': ' + (values.length ? 'latest ' + number(values[values.length - 1], 1)
      + ', highest ' + number(Math.max(0, ...values), 1) : 'no reading yet'));
    const axis = document.createElementNS(ns, 'line');
    axis.setAttribute('x1', 0);
    axis.setAttribute('x2', width);
    axis.setAttribute('y1', height - 1);
    axis.setAttribute('y2', height - 1);
    axis.setAttribute('stroke', '#d0d7de');
    svg.appendChild(axis);
    if (values.length > 1) {
      // The window is fixed (slots readings wide) and the newest reading is at the right edge, so a short history
      // stays short instead of being stretched over 15 minutes.
      const step = width / (Math.max(slots, values.length) - 1);
      const left = width - (values.length - 1) * step;
      const points = values.map((v, i) => (left + i * step).toFixed(1) + ','
        + (height - 2 - (v / max) * (height - 4)).toFixed(1));
      const line = document.createElementNS(ns, 'polyline');
      line.setAttribute('points', points.join(' '));
      line.setAttribute('fill', 'none');
      line.setAttribute('stroke', '#0969da');
      line.setAttribute('stroke-width', '1.5');
      svg.appendChild(line);
    }
    return svg;
  }

  /** Runs an admin action: asks for a key first when the tab has none, and again once when it is refused. */
  async function admin(what, call) {
    if (!key() && !(await askKey('“' + what + '” needs an admin key.'))) return null;
    try {
      const result = await call();
      status(what + ': done.', 'ok');
      return result;
    } catch (error) {
      if ((error.status === 401 || error.status === 403)
          && await askKey('The key was refused for “' + what + '”; enter an admin key.')) {
        return admin(what, call);
      }
      status(what + ' failed: ' + error.message, 'bad');
      return null;
    }
  }

  document.addEventListener('DOMContentLoaded', wireKeyForm);
  return { key, api, askKey, status, text, number, ago, cell, button, sparkline, admin };
})();
