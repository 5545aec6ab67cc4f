// The overview: polls /console/api/overview every second and updates the page in place, so that focus and
// open panels survive each refresh.
'use strict';

(() => {
  const C = Console;
  const REFRESH_MS = 1000;
  let overview = null;
  let openGroup = null; // the dead-letter group shown, if any
  let parkedOpen = false;

  function rowFor(tbody, id, build) {
    let row = tbody.querySelector('tr[data-name="' + CSS.escape(id) + '"]');
    if (!row) {
      row = document.createElement('tr');
      row.dataset.name = id;
      build(row);
      tbody.appendChild(row);
    }
    return row;
  }

  function removeOthers(tbody, ids) {
    for (const row of [...tbody.querySelectorAll('tr[data-name]')]) {
      if (!ids.has(row.dataset.name)) row.remove();
    }
  }

  function set(row, selector, value, className) {
    const cell = row.querySelector(selector);
    if (cell.textContent !== value) cell.textContent = value;
    if (className !== undefined) cell.className = selector.slice(1) + ' ' + className;
  }

  function renderReadModels(models, rebuilds) {
    const tbody = document.querySelector('#read-models tbody');
    for (const model of models) {
      const row = rowFor(tbody, model.name, r => {
        const name = C.cell(r, model.name);
        name.setAttribute('scope', 'row');
        for (const c of ['state', 'position', 'lag-events', 'lag-seconds', 'dead-letters', 'chart', 'rebuild']) {
          C.cell(r, '', c);
        }
        const actions = C.cell(r, document.createDocumentFragment(), 'row-actions');
        if (model.rebuildable) {
          actions.appendChild(C.button('Rebuild', () => rebuild(model.name), 'rebuild-start'));
        }
        if (model.deadLetters !== null) {
          actions.appendChild(C.button('Dead letters', () => openDeadLetters(model.name), 'dead-letters-open'));
        }
      });
      set(row, '.state', model.state, 'state-' + model.state);
      set(row, '.position', C.number(model.position) + ' of ' + C.number(model.head));
      set(row, '.lag-events', C.number(model.lagEvents));
      set(row, '.lag-seconds', model.lagSeconds === null ? '?' : C.number(model.lagSeconds, 1));
      set(row, '.dead-letters', model.deadLetters === null ? '–' : C.number(model.deadLetters),
        model.deadLetters > 0 ? 'bad' : '');
      const chart = row.querySelector('.chart');
      chart.replaceChildren(C.sparkline(model.eventsPerSecond, model.name + ' events per second, last 15 minutes',
        90));
      const latest = rebuilds.find(r => r.name === model.name);
      const cell = row.querySelector('.rebuild');
      if (!latest) {
        cell.textContent = '–';
      } else {
        const percent = latest.target > 0 ? Math.floor(100 * latest.position / latest.target)
          : (latest.state === 'DONE' ? 100 : 0);
        let bar = cell.querySelector('progress');
        if (!bar) {
          cell.replaceChildren();
          bar = document.createElement('progress');
          bar.max = 100;
          bar.setAttribute('aria-label', 'rebuild of ' + model.name);
          const label = document.createElement('span');
          label.className = 'rebuild-label';
          cell.append(bar, ' ', label);
        }
        bar.value = percent;
        const eta = latest.state === 'RUNNING' && latest.etaSeconds >= 0 ? ', ETA ' + latest.etaSeconds + ' s' : '';
        cell.querySelector('.rebuild-label').textContent = latest.state + ' ' + percent + ' %' + eta;
        cell.dataset.state = latest.state;
        cell.dataset.percent = percent;
      }
    }
    removeOthers(tbody, new Set(models.map(m => m.name)));
  }

  function renderShards(data) {
    const tbody = document.querySelector('#shards tbody');
    for (const shard of data.shards) {
      const row = rowFor(tbody, shard.shard, r => {
        C.cell(r, shard.shard);
        for (const c of ['owner', 'position', 'lag']) C.cell(r, '', c);
      });
      set(row, '.owner', C.text(shard.owner) + (shard.owner === data.node ? ' (this node)' : ''));
      set(row, '.position', shard.position ? '…' + shard.position.slice(-12) : 'at the start');
      set(row, '.lag', shard.lagSeconds === null ? 'read elsewhere' : C.number(shard.lagSeconds, 1));
    }
    removeOthers(tbody, new Set(data.shards.map(s => s.shard)));
    document.getElementById('shards-ended').textContent = data.endedShards
      ? data.endedShards + ' more shard(s) read to their end or not listed.' : '';
  }

  function renderNodes(data) {
    const tbody = document.querySelector('#nodes tbody');
    for (const node of data.nodes) {
      const row = rowFor(tbody, node.name, r => {
        C.cell(r, node.name + (node.self ? ' (this node)' : ''));
        C.cell(r, '', 'heartbeat');
        C.cell(r, '', 'live');
      });
      set(row, '.heartbeat', C.ago(node.claimedAt));
      set(row, '.live', node.live ? 'live' : 'silent', node.live ? 'ok' : 'bad');
    }
    removeOthers(tbody, new Set(data.nodes.map(n => n.name)));
  }

  function renderSummary(data) {
    document.getElementById('node').textContent = data.node;
    document.getElementById('updated').textContent = new Date(data.at).toLocaleTimeString();
    document.getElementById('updated').dateTime = data.at;
    const source = data.source;
    document.getElementById('source-kind').textContent = source.kind;
    document.getElementById('source-state').textContent = (source.running ? 'reading' : 'not reading')
      + (source.failingSince ? ', failing since ' + C.ago(source.failingSince) : '')
      + (source.dataLoss ? ', records were trimmed before they were read' : '')
      + (source.lastError ? ': ' + source.lastError : '');
    document.getElementById('source-lag').textContent = source.maxLagSeconds === null ? '–'
      : C.number(source.maxLagSeconds, 1) + ' s';
    document.getElementById('head').textContent = C.number(data.head);
    document.getElementById('parked-count').textContent = C.number(data.parkedStreamRecords);
    const archive = data.archive;
    document.getElementById('archive-pending').textContent = archive
      ? C.number(archive.pendingLines) + ' lines' : 'off';
    document.getElementById('archive-last').textContent = archive && archive.lastObject
      ? 'last object ' + archive.lastObject.key + ', ' + C.ago(archive.lastObject.at)
      : (archive && archive.dueBy ? 'next flush ' + new Date(archive.dueBy).toLocaleTimeString() : '');
  }

  async function refresh() {
    try {
      overview = await C.api('/console/api/overview');
      renderSummary(overview);
      renderReadModels(overview.readModels, overview.rebuilds);
      renderShards(overview);
      renderNodes(overview);
    } catch (error) {
      if (error.status === 401 || error.status === 403) {
        await C.askKey('Reading this service needs a key.');
      } else {
        C.status('Cannot read the overview: ' + error.message, 'bad');
      }
    }
  }

  async function rebuild(name) {
    await C.admin('Rebuild ' + name, () => C.api('/admin/projections/' + encodeURIComponent(name) + '/rebuild',
      { method: 'POST' }));
    refresh();
  }

  async function openDeadLetters(group) {
    openGroup = group;
    const panel = document.getElementById('dlq');
    const parked = await C.admin('List the dead letters of ' + group,
      () => C.api('/admin/dlq/' + encodeURIComponent(group)));
    if (!parked) return;
    document.getElementById('dlq-title').textContent = 'Dead letters of ' + group + ' (' + parked.size + ')';
    const tbody = document.querySelector('#dlq-letters tbody');
    tbody.replaceChildren();
    for (const letter of parked.letters) {
      const row = document.createElement('tr');
      row.dataset.id = letter.id;
      C.cell(row, letter.sequence);
      C.cell(row, letter.eventType + ' #' + letter.index);
      C.cell(row, letter.attempts);
      C.cell(row, (letter.causeType || '') + ': ' + (letter.causeMessage || ''), 'wrap');
      const actions = C.cell(row, document.createDocumentFragment());
      actions.appendChild(C.button('Retry', () => retrySequence(group, letter.sequence), 'retry'));
      actions.appendChild(C.button('Evict', () => evict(group, letter.id), 'evict danger'));
      tbody.appendChild(row);
    }
    panel.hidden = false;
    document.getElementById('dlq-title').focus(); // keyboard users land on the list they opened
  }

  async function retrySequence(group, sequence) {
    await C.admin('Retry ' + sequence, () => C.api('/admin/dlq/' + encodeURIComponent(group) + '/sequences/'
      + encodeURIComponent(sequence) + '/retry', { method: 'POST' }));
    openDeadLetters(group);
  }

  async function evict(group, id) {
    if (!confirm('Evict this event for good? It will never be handled.')) return;
    await C.admin('Evict', () => C.api('/admin/dlq/' + encodeURIComponent(group) + '/' + encodeURIComponent(id),
      { method: 'DELETE' }));
    openDeadLetters(group);
  }

  async function showParked() {
    const page = await C.admin('List parked records', () => C.api('/admin/parked?limit=100'));
    if (!page) return;
    parkedOpen = true;
    const tbody = document.querySelector('#parked-records tbody');
    tbody.replaceChildren();
    for (const record of page.records) {
      const row = document.createElement('tr');
      row.dataset.id = record.eventId;
      C.cell(row, record.eventId);
      C.cell(row, C.ago(record.parkedAt));
      C.cell(row, record.reason, 'wrap');
      const actions = C.cell(row, document.createDocumentFragment());
      actions.appendChild(C.button('Re-drive', () => redrive(record.eventId), 'redrive'));
      actions.appendChild(C.button('Drop', () => drop(record.eventId), 'drop danger'));
      tbody.appendChild(row);
    }
    document.getElementById('parked').hidden = false;
  }

  async function redrive(eventId) {
    const outcome = await C.admin('Re-drive', () => C.api('/admin/parked/' + encodeURIComponent(eventId)
      + '/redrive', { method: 'POST' }));
    if (outcome) C.status('Re-drive of ' + eventId + ': ' + outcome.outcome + (outcome.reason ? ' (' + outcome.reason + ')' : ''), 'ok');
    showParked();
  }

  async function drop(eventId) {
    if (!confirm('Drop this stream record for good?')) return;
    await C.admin('Drop', () => C.api('/admin/parked/' + encodeURIComponent(eventId), { method: 'DELETE' }));
    showParked();
  }

  document.addEventListener('DOMContentLoaded', () => {
    document.getElementById('dlq-close').addEventListener('click', () => {
      document.getElementById('dlq').hidden = true;
      openGroup = null;
    });
    document.getElementById('dlq-retry-all').addEventListener('click', async () => {
      const group = openGroup;
      await C.admin('Retry all of ' + group, () => C.api('/admin/dlq/' + encodeURIComponent(group) + '/retry',
        { method: 'POST' }));
      openDeadLetters(group);
    });
    document.getElementById('dlq-evict-all').addEventListener('click', async () => {
      const group = openGroup;
      if (!confirm('Evict every parked event of ' + group + ' for good?')) return;
      const ids = [...document.querySelectorAll('#dlq-letters tbody tr')].map(r => r.dataset.id);
      for (const id of ids) {
        await C.admin('Evict', () => C.api('/admin/dlq/' + encodeURIComponent(group) + '/' + encodeURIComponent(id),
          { method: 'DELETE' }));
      }
      openDeadLetters(group);
    });
    document.getElementById('parked-show').addEventListener('click', showParked);
    document.getElementById('parked-redrive-all').addEventListener('click', async () => {
      await C.admin('Re-drive all parked records', () => C.api('/admin/parked/redrive', { method: 'POST' }));
      if (parkedOpen) showParked();
    });
    // One read at a time: the next starts a second after the last answered, so a slow store never piles them up.
    const loop = async () => {
      await refresh();
      setTimeout(loop, REFRESH_MS);
    };
    loop();
  });
})();
