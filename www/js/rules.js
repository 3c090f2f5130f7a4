// The rules the playground runs: the built-in rule, rule files (detection-rules
// TOML, Kibana rule JSON or export NDJSON) and the ad-hoc query. Each source is
// compiled alone when it is entered, on the page's thread (it takes
// milliseconds), so its errors show where it was typed; runs compile them all
// together in the worker.

import { Engine } from '../pkg/kql_detect.js';

export class RuleSources {
  constructor() {
    this.builtin = compile(undefined).rules[0];
    this.useBuiltin = true;
    this.files = [];
    this.query = '';
  }

  /** Adds a rule file's text; throws the engine's error (or why nothing in it can run). */
  addFile(name, text) {
    const { rules, diagnostics } = compile({ rules: [text] });
    if (rules.length === 0) {
      const reasons = diagnostics.map((diagnostic) => diagnostic.message).join('\n');
      throw Object.assign(new Error(`no rule in ${name} can run here${reasons ? `:\n${reasons}` : ''}`), { rendered: null });
    }
    this.files.push({ name, text, rules, diagnostics });
  }

  removeFile(index) {
    this.files.splice(index, 1);
  }

  /** Sets the ad-hoc query; returns its error, or null when it compiles (or is empty). */
  setQuery(text) {
    this.query = text;
    return this.queryError();
  }

  queryError() {
    if (this.query.trim() === '') return null;
    try {
      compile({ rules: [this.query] });
      return null;
    } catch (error) {
      return error;
    }
  }

  /** The engine's `rules` option for a run. */
  engineRules() {
    const rules = this.files.map((file) => file.text);
    if (this.useBuiltin) rules.unshift(this.builtin);
    if (this.query.trim() !== '' && !this.queryError()) rules.push(this.query);
    return rules;
  }

  /** What a share link keeps. */
  toState() {
    return { builtin: this.useBuiltin, files: this.files.map(({ name, text }) => ({ name, text })), query: this.query };
  }

  /** Restores a share link's rules; returns the errors of files that no longer compile. */
  fromState({ builtin = true, files = [], query = '' }) {
    this.useBuiltin = builtin;
    this.files = [];
    this.query = query;
    const errors = [];
    for (const { name, text } of files) {
      try {
        this.addFile(name, text);
      } catch (error) {
        errors.push(error);
      }
    }
    return errors;
  }
}

/** The rules and diagnostics of an engine built from `options`, freed at once. */
function compile(options) {
  const engine = new Engine(options);
  try {
    return { rules: engine.rules, diagnostics: engine.diagnostics };
  } finally {
    engine.free();
  }
}
