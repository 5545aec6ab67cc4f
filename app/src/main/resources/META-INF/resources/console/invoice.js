// One invoice: its transactions (from the table), its total and country rows (read models), and its events as the
// event store holds them, each with the stream record it came from.
'use strict';

(() => {
  const C = Console;

  async function read(path, optional) {
    try {
      return await C.api(path);
    } catch (error) {
      if (optional && error.status === 404) return null;
      throw error;
    }
  }

  function fill(selector, rows, columns) {
    const tbody = document.querySelector(selector + ' tbody');
    tbody.replaceChildren();
    for (const item of rows) {
      const row = document.createElement('tr');
      for (const column of columns) C.cell(row, column(item));
      tbody.appendChild(row);
    }
  }

  function attribute(item, name) {
    const value = item[name];
    return value === undefined || value === null ? null : (typeof value === 'object' ? JSON.stringify(value) : value);
  }

  async function show(number) {
    const base = '/invoices/' + encodeURIComponent(number);
    C.status('Loading invoice ' + number + '…');
    try {
      const [events, total, transactions, countries] = await Promise.all([
        read(base + '/events?limit=1000', true), read(base + '/total', true),
        read(base + '/transactions?limit=1000'), read(base + '/countries')]);
      document.getElementById('invoice').hidden = false;
      document.getElementById('total').textContent = total
        ? total.totals.map(t => C.number(t.amount, 2) + ' ' + t.currency).join(', ') || '0' : 'none';
      document.getElementById('total-updated').textContent = total ? 'updated ' + C.ago(total.updated)
        + (total.rebuilding ? ' (being rebuilt)' : '') : 'no transaction recorded';
      fill('#transactions', transactions.transactions, [t => t.TransactionIdentifier, t => attribute(t, 'Amount'),
        t => attribute(t, 'Trans_country'), t => attribute(t, 'Invoice_dt')]);
      fill('#countries', countries.countries, [c => c.country, c => c.verifier, c => c.totalTransactions]);
      const stored = events ? events.events : [];
      fill('#events', stored, [e => e.sequence, e => e.type, e => e.transactionId, e => e.shard,
        e => e.streamSequence, e => C.ago(e.changedAt), e => C.ago(e.stored)]);
      document.getElementById('events-more').textContent = events && events.more
        ? 'Only the first ' + stored.length + ' events are shown.' : stored.length + ' event(s).';
      C.status('Invoice ' + number + ': ' + stored.length + ' event(s), ' + transactions.transactions.length
        + ' transaction(s) in the table.', 'ok');
    } catch (error) {
      if (error.status === 401 || error.status === 403) {
        if (await C.askKey('Reading this service needs a key.')) show(number);
        return;
      }
      document.getElementById('invoice').hidden = true;
      C.status('Cannot show invoice ' + number + ': ' + error.message, 'bad');
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    const params = new URLSearchParams(location.search);
    const input = document.getElementById('invoice-number');
    document.getElementById('find').addEventListener('submit', event => {
      event.preventDefault();
      const number = input.value.trim();
      history.replaceState(null, '', '?n=' + encodeURIComponent(number));
      show(number);
    });
    if (params.get('n')) {
      input.value = params.get('n');
      show(params.get('n'));
    }
  });
})();
