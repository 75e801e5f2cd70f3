/* lambdasec HTML report: draws the findings and function cards from the embedded data, in
 * pages, and applies the filters. Every string from the data is set with textContent, never
 * parsed as HTML.
 *
 * Data (#lambdasec-data):
 *   page       [rows per page, cards per page]
 *   sev        severity names, critical first
 *   checklist  checklist line titles (the last one: rules without a checklist line)
 *   sources    source bucket labels
 *   rules      [id, name, checklist index or -1, summary]
 *   strings    shared strings (files, resources, fixes)
 *   functions  [id, file (string index or -1), line, source index, score, grade,
 *               [critical, high, medium, low, info], [checklist indices], suppressed, listed]
 *   findings   [rule index, severity index, message, resource (string index),
 *               function index or -1, source index, file (string index or -1), line, column,
 *               fix (string index), suppression reason or null]
 */
(function () {
  'use strict';
  var errors = window.__lambdasecErrors || (window.__lambdasecErrors = []);

  function showError(e) {
    errors.push(String((e && e.stack) || e));
    var box = document.createElement('p');
    box.id = 'js-error';
    box.textContent = 'The report script failed: ' + String((e && e.message) || e);
    var main = document.querySelector('main');
    if (main) main.insertBefore(box, main.firstChild);
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  function plural(n, one, many) {
    return n + ' ' + (n === 1 ? one : many);
  }

  function run() {
    var D = JSON.parse(document.getElementById('lambdasec-data').textContent);
    var F = D.findings, FN = D.functions, S = D.strings, R = D.rules, SEV = D.sev;
    var PAGE_ROWS = D.page[0], PAGE_CARDS = D.page[1];
    var $ = function (id) { return document.getElementById(id); };
    var tbody = document.querySelector('#findings tbody');
    var cardsBox = $('cards');
    var suppressedTotal = 0;
    for (var k = 0; k < F.length; k++) if (F[k][10] !== null) suppressedTotal++;

    var st = { sev: [true, true, true, true, true], rule: -1, src: -1, q: '', sup: false, fn: -1 };
    var visible = [], cards = [], rowsShown = 0, cardsShown = 0;
    var hay = null, fnHay = null;

    function str(i) { return i < 0 ? null : S[i]; }

    function findingHay() {
      hay = new Array(F.length);
      for (var i = 0; i < F.length; i++) {
        var f = F[i], r = R[f[0]];
        hay[i] = [r[0], r[1], f[2], S[f[3]], f[4] >= 0 ? FN[f[4]][0] : '', str(f[6]) || '',
          S[f[9]], f[10] || ''].join('\n').toLowerCase();
      }
      fnHay = new Array(FN.length);
      for (var j = 0; j < FN.length; j++) {
        fnHay[j] = (FN[j][0] + '\n' + (str(FN[j][1]) || '')).toLowerCase();
      }
    }

    function readControls() {
      var boxes = document.querySelectorAll('input[data-sev]');
      for (var i = 0; i < boxes.length; i++) st.sev[+boxes[i].getAttribute('data-sev')] = boxes[i].checked;
      st.rule = +$('rule-filter').value;
      st.src = +$('source-filter').value;
      st.q = $('search').value;
      st.sup = $('show-suppressed').checked;
    }

    function compute() {
      var q = st.q.trim().toLowerCase();
      if (q && !hay) findingHay();
      var allSev = st.sev[0] && st.sev[1] && st.sev[2] && st.sev[3] && st.sev[4];
      var has = new Uint8Array(FN.length);
      visible = [];
      for (var i = 0; i < F.length; i++) {
        var f = F[i];
        if (!st.sev[f[1]]) continue;
        if (f[10] !== null && !st.sup) continue;
        if (st.rule >= 0 && f[0] !== st.rule) continue;
        if (st.src >= 0 && f[5] !== st.src) continue;
        if (st.fn >= 0 && f[4] !== st.fn) continue;
        if (q && hay[i].indexOf(q) < 0) continue;
        visible.push(i);
        if (f[4] >= 0) has[f[4]] = 1;
      }
      // A card is shown when its source matches and, once severities, a rule, a function or a
      // search narrow the findings, when it has a finding shown (or its name matches the search).
      var narrowed = !allSev || st.rule >= 0 || st.fn >= 0 || q !== '';
      var byName = q !== '' && allSev && st.rule < 0;
      cards = [];
      for (var j = 0; j < FN.length; j++) {
        if (st.src >= 0 && FN[j][3] !== st.src) continue;
        if (st.fn >= 0 && j !== st.fn) continue;
        if (narrowed && !has[j] && !(byName && fnHay[j].indexOf(q) >= 0)) continue;
        cards.push(j);
      }
    }

    function row(i) {
      var f = F[i], r = R[f[0]], sup = f[10];
      var tr = el('tr', sup === null ? 'finding' : 'finding suppressed');
      tr.setAttribute('data-sev', SEV[f[1]]);
      tr.setAttribute('data-rule', r[0]);

      var td = el('td');
      td.appendChild(el('span', 'sev sev' + f[1], SEV[f[1]]));
      if (sup !== null) {
        td.appendChild(el('br'));
        td.appendChild(el('span', 'sup', 'suppressed: ' + sup));
      }
      tr.appendChild(td);

      td = el('td');
      var a = el('a', 'rule-link', r[0]);
      a.setAttribute('href', '#rule-' + r[0]);
      a.setAttribute('title', 'rule documentation');
      td.appendChild(a);
      td.appendChild(document.createTextNode(' ' + r[1]));
      if (r[3]) td.appendChild(el('div', 'small', r[3]));
      if (r[2] >= 0) td.appendChild(el('div', 'small', 'checklist: ' + D.checklist[r[2]]));
      tr.appendChild(td);

      td = el('td');
      td.appendChild(el('div', 'msg', f[2]));
      td.appendChild(el('div', 'small', 'resource: ' + S[f[3]]));
      var fn = f[4] >= 0 ? FN[f[4]][0] : '(no function)';
      td.appendChild(el('div', 'small', 'function: ' + fn + ' · source: ' + D.sources[f[5]]));
      tr.appendChild(td);

      var file = str(f[6]);
      tr.appendChild(el('td', 'loc', file === null ? '—' : file + ':' + f[7] + ':' + f[8]));
      tr.appendChild(el('td', 'fix', S[f[9]]));
      return tr;
    }

    function card(j) {
      var fn = FN[j];
      var c = el('article', 'card grade-' + fn[5]);
      c.setAttribute('data-function', fn[0]);
      var g = el('div', 'grade', fn[5]);
      g.setAttribute('title', 'grade ' + fn[5]);
      c.appendChild(g);
      c.appendChild(el('h3', null, fn[0]));
      var file = str(fn[1]);
      var where = 'score ' + fn[4] + '/100 · ' + D.sources[fn[3]];
      if (file !== null) where += ' · ' + file + (fn[2] > 0 ? ':' + fn[2] : '');
      if (!fn[9]) where += ' · not in the scanned functions';
      c.appendChild(el('div', 'where', where));
      var counts = el('p', 'counts'), total = 0;
      for (var s = 0; s < 5; s++) {
        if (fn[6][s] > 0) {
          var span = el('span', null, fn[6][s] + ' ');
          span.appendChild(el('span', 'sev sev' + s, SEV[s]));
          counts.appendChild(span);
          total += fn[6][s];
        }
      }
      if (total === 0) counts.appendChild(el('span', 'clean', 'no findings'));
      if (fn[8] > 0) counts.appendChild(el('span', 'small', plural(fn[8], 'suppressed finding', 'suppressed findings')));
      c.appendChild(counts);
      if (fn[7].length) {
        var ul = el('ul');
        ul.setAttribute('aria-label', 'checklist lines broken');
        for (var k = 0; k < fn[7].length; k++) ul.appendChild(el('li', null, D.checklist[fn[7][k]]));
        c.appendChild(ul);
      }
      if (total > 0 || fn[8] > 0) {
        var p = el('p', 'actions');
        var b = el('button', 'show-fn', 'show its findings');
        b.setAttribute('type', 'button');
        b.setAttribute('data-fn', String(j));
        p.appendChild(b);
        c.appendChild(p);
      }
      return c;
    }

    function moreRows() {
      var end = Math.min(visible.length, rowsShown + PAGE_ROWS);
      var frag = document.createDocumentFragment();
      for (var i = rowsShown; i < end; i++) frag.appendChild(row(visible[i]));
      tbody.appendChild(frag);
      rowsShown = end;
      var left = visible.length - rowsShown;
      var btn = $('more-rows');
      btn.hidden = left <= 0;
      btn.textContent = 'show ' + Math.min(left, PAGE_ROWS) + ' more findings (' + left + ' not drawn yet)';
      $('rows-status').textContent = visible.length === 0
        ? 'No finding matches the filters.'
        : 'Rows 1–' + rowsShown + ' of ' + visible.length + '.';
    }

    function moreCards() {
      var end = Math.min(cards.length, cardsShown + PAGE_CARDS);
      var frag = document.createDocumentFragment();
      for (var i = cardsShown; i < end; i++) frag.appendChild(card(cards[i]));
      cardsBox.appendChild(frag);
      cardsShown = end;
      var left = cards.length - cardsShown;
      var btn = $('more-cards');
      btn.hidden = left <= 0;
      btn.textContent = 'show ' + Math.min(left, PAGE_CARDS) + ' more functions (' + left + ' not drawn yet)';
    }

    function update() {
      compute();
      tbody.textContent = '';
      cardsBox.textContent = '';
      rowsShown = 0;
      cardsShown = 0;
      moreRows();
      moreCards();
      var msg = visible.length + ' of ' + F.length + ' findings shown';
      if (!st.sup && suppressedTotal > 0) msg += ' (' + plural(suppressedTotal, 'suppressed finding', 'suppressed findings') + ' hidden)';
      msg += '; ' + cards.length + ' of ' + FN.length + ' functions shown';
      $('status').textContent = msg;
      $('cards-status').textContent = cards.length + ' of ' + plural(FN.length, 'function', 'functions') + ' shown, worst score first.';
      var chip = $('function-filter');
      chip.hidden = st.fn < 0;
      $('function-filter-name').textContent = st.fn >= 0 ? FN[st.fn][0] : '';
    }

    function openRule(hash) {
      if (!hash || hash.indexOf('#rule-') !== 0) return;
      var d = document.getElementById(decodeURIComponent(hash.slice(1)));
      if (d && d.tagName === 'DETAILS') {
        d.open = true;
        d.scrollIntoView();
      }
    }

    var form = $('filter-form');
    form.addEventListener('change', function (e) {
      if (e.target && e.target.id === 'search') return;
      readControls();
      update();
    });
    var timer = null;
    $('search').addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () { readControls(); update(); }, 150);
    });
    $('reset-filters').addEventListener('click', function () {
      HTMLFormElement.prototype.reset.call(form);
      st.fn = -1;
      readControls();
      update();
    });
    $('function-filter-clear').addEventListener('click', function () {
      st.fn = -1;
      update();
    });
    $('more-rows').addEventListener('click', moreRows);
    $('more-cards').addEventListener('click', moreCards);
    cardsBox.addEventListener('click', function (e) {
      var t = e.target;
      if (t && t.classList && t.classList.contains('show-fn')) {
        st.fn = +t.getAttribute('data-fn');
        update();
        $('findings-section').scrollIntoView();
      }
    });
    window.addEventListener('hashchange', function () { openRule(location.hash); });
    document.addEventListener('click', function (e) {
      var t = e.target;
      if (t && t.classList && t.classList.contains('rule-link')) openRule(t.getAttribute('href'));
    });

    readControls();
    update();
    openRule(location.hash);
    document.documentElement.setAttribute('data-rendered', String(performance.now()));
    if (performance.mark) performance.mark('lambdasec-rendered');
  }

  try {
    run();
  } catch (e) {
    showError(e);
  }
})();
