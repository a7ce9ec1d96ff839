// Small DOM pieces the pages share: headline tiles, tables, selectors.

export function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// A row of headline numbers. Each tile carries data-metric=<key> so the e2e
// test can read a number and see it change on refresh.
export class Tiles {
  constructor(parent, specs) {
    this.root = element('div', 'tiles');
    this.values = new Map();
    for (const { key, label } of specs) {
      const tile = element('div', 'tile');
      tile.dataset.metric = key;
      const value = element('div', 'tile-value', '–');
      const note = element('div', 'tile-note', '');
      tile.append(element('div', 'tile-label', label), value, note);
      this.values.set(key, { value, note });
      this.root.append(tile);
    }
    parent.append(this.root);
  }

  set(key, text, note = '') {
    const tile = this.values.get(key);
    if (!tile) return;
    tile.value.textContent = text;
    tile.note.textContent = note;
  }
}

// A card with a table; `columns` are {key, label, format?, numeric?, wrap?}
// (wrap: long text breaks over lines instead of widening the table).
export class TableCard {
  constructor(parent, { id, title, columns, empty = 'No data yet', wide = false, maxRows = 50 }) {
    this.columns = columns;
    this.maxRows = maxRows;
    this.card = element('section', wide ? 'card wide' : 'card');
    this.card.dataset.panel = id;
    const head = element('div', 'card-head');
    head.append(element('h2', null, title));
    this.scroller = element('div', 'table-scroll');
    this.table = element('table', 'data');
    const headRow = element('tr');
    for (const c of columns) headRow.append(element('th', c.numeric ? 'num' : null, c.label));
    this.table.append(element('thead'), element('tbody'));
    this.table.tHead.append(headRow);
    this.scroller.append(this.table);
    this.emptyNote = element('div', 'empty', empty);
    this.card.append(head, this.scroller, this.emptyNote);
    parent.append(this.card);
    this.update([]);
  }

  update(list) {
    const body = this.table.tBodies[0];
    body.replaceChildren();
    for (const row of list.slice(0, this.maxRows)) {
      const tr = element('tr');
      for (const c of this.columns) {
        const raw = row[c.key];
        const text = c.format ? c.format(raw, row) : raw ?? '–';
        tr.append(element('td', c.numeric ? 'num' : c.wrap ? 'wrap' : null, String(text)));
      }
      body.append(tr);
    }
    const empty = list.length === 0;
    this.card.classList.toggle('is-empty', empty);
    this.scroller.hidden = empty;
    this.emptyNote.hidden = !empty;
  }
}

// A <select> whose options follow the data; keeps the user's pick when it
// still exists after a refresh.
export class Picker {
  constructor(parent, { label, onChange }) {
    this.select = element('select');
    this.select.setAttribute('aria-label', label);
    this.select.addEventListener('change', () => onChange(this.select.value));
    this.wrap = element('label', 'picker', `${label} `);
    this.wrap.append(this.select);
    this.wrap.hidden = true; // until there is something to pick
    parent.append(this.wrap);
  }

  setOptions(values) {
    const current = this.select.value;
    const same = values.length === this.select.options.length && values.every((v, i) => this.select.options[i].value === String(v));
    if (!same) {
      this.select.replaceChildren(...values.map((v) => new Option(String(v), String(v))));
      if (values.map(String).includes(current)) this.select.value = current;
    }
    this.wrap.hidden = values.length === 0;
    return this.select.value;
  }

  get value() {
    return this.select.value;
  }
}
