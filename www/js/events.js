// The events of a run, as columns of typed arrays: 50,000 events cross from
// the worker to the page as a few memory copies rather than 50,000 objects,
// which would keep the page's thread busy decoding them.

/** Collects events in the worker; `pack()` gives what is posted to the page. */
export class EventColumns {
  constructor() {
    this.columns = { input: [], doc: [], line: [], shape: [], firedStart: [0], fired: [] };
    this.shapes = [];
  }

  get length() {
    return this.columns.input.length;
  }

  /** Adds one event: its input, its place in the input, its line, shape and the rules that fired. */
  push({ input, doc, line, shape, fired }) {
    const { columns } = this;
    if (!this.shapes.includes(shape)) this.shapes.push(shape);
    columns.input.push(input);
    columns.doc.push(doc);
    columns.line.push(line);
    columns.shape.push(this.shapes.indexOf(shape));
    columns.fired.push(...fired);
    columns.firedStart.push(columns.fired.length);
  }

  pack() {
    const packed = { shapes: this.shapes };
    for (const [name, values] of Object.entries(this.columns)) packed[name] = Int32Array.from(values);
    return packed;
  }
}

/** Reads packed events on the page. */
export class Events {
  constructor(packed = new EventColumns().pack()) {
    this.packed = packed;
  }

  get length() {
    return this.packed.input.length;
  }

  /** Event `index` as an object: `{index, input, doc, line, shape, fired}`. */
  at(index) {
    const { input, doc, line, shape, shapes, firedStart, fired } = this.packed;
    return {
      index,
      input: input[index],
      doc: doc[index],
      line: line[index],
      shape: shapes[shape[index]],
      fired: [...fired.subarray(firedStart[index], firedStart[index + 1])],
    };
  }

  hasFired(index) {
    return this.packed.firedStart[index + 1] > this.packed.firedStart[index];
  }

  /** The indexes of the events that came from input `input`. */
  ofInput(input) {
    const indexes = [];
    this.packed.input.forEach((value, index) => value === input && indexes.push(index));
    return indexes;
  }
}
