// Undo and redo for the profile editor: snapshots of its model, typing in one field coalesced.

const LIMIT = 200;
const COALESCE_MS = 1000;

export class History {
  constructor(model) {
    this.reset(model);
  }

  reset(model) {
    this.undoStack = [];
    this.redoStack = [];
    this.current = JSON.stringify(model);
    this.saved = this.current;
    this.lastField = null;
    this.lastAt = 0;
  }

  /** The model was edited (by `field`, when one text field did it): remember how it was before. */
  record(model, field = null) {
    const now = JSON.stringify(model);
    if (now === this.current) return;
    const at = performance.now();
    const coalesce = field && field === this.lastField && at - this.lastAt < COALESCE_MS && this.undoStack.length;
    if (!coalesce) {
      this.undoStack.push(this.current);
      if (this.undoStack.length > LIMIT) this.undoStack.shift();
    }
    this.current = now;
    this.redoStack = [];
    this.lastField = field;
    this.lastAt = at;
  }

  markSaved(model) {
    this.current = JSON.stringify(model);
    this.saved = this.current;
  }

  get dirty() {
    return this.current !== this.saved;
  }

  canUndo() { return this.undoStack.length > 0; }
  canRedo() { return this.redoStack.length > 0; }

  /** The model to show after an undo, or null. */
  undo() {
    return this.move(this.undoStack, this.redoStack);
  }

  redo() {
    return this.move(this.redoStack, this.undoStack);
  }

  move(from, to) {
    if (!from.length) return null;
    to.push(this.current);
    this.current = from.pop();
    this.lastField = null;
    return JSON.parse(this.current);
  }
}
