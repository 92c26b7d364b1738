// Drops the members named by unknown-field paths ("spec.ports[0].foo") from a decoded
// object. kube-apiserver decodes bodies into typed structs, so fields the schema does not
// know never reach storage, whatever fieldValidation says (Warn and Ignore only decide
// whether the client hears about them).

/**
 * Removes each path from `obj` in place. Map keys may contain dots ("example.com/x"), so a
 * dotted segment is matched against the keys actually present, longest key first.
 */
export function pruneFields(obj: unknown, paths: readonly string[]): void {
  // Only object members are removed, never list elements, so one removal cannot shift another path.
  for (const p of paths) removePath(obj, p);
}

function removePath(root: unknown, path: string): void {
  let cur: unknown = root;
  let rest = path;
  for (;;) {
    if (rest.startsWith('[')) {
      const close = rest.indexOf(']');
      if (close === -1 || !Array.isArray(cur)) return;
      const i = Number(rest.slice(1, close));
      rest = rest.slice(close + 1);
      if (rest.startsWith('.')) rest = rest.slice(1);
      if (rest === '') return; // never drop a whole list element
      cur = cur[i];
      continue;
    }
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur)) return;
    const rec = cur as Record<string, unknown>;
    const key = Object.keys(rec)
      .filter((k) => rest === k || rest.startsWith(`${k}.`) || rest.startsWith(`${k}[`))
      .sort((a, b) => b.length - a.length)[0];
    if (key === undefined) return;
    rest = rest.slice(key.length);
    if (rest === '') {
      delete rec[key];
      return;
    }
    if (rest.startsWith('.')) rest = rest.slice(1);
    cur = rec[key];
  }
}
