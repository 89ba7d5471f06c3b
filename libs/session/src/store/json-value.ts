// Where a value that JSON cannot carry is, and what it is.
export interface NonJsonValue {
  readonly path: string;
  readonly reason: string;
}

// Why `value` would not survive a JSON round trip unchanged, or undefined when it would. JSON.stringify turns Dates
// into strings, Maps and class instances into plain objects and drops functions without a word; a session must come
// back exactly as it was saved, so such values are refused before anything is written.
export function findNonJson(value: unknown, path: string): NonJsonValue | undefined {
  const ancestors = new Set<object>();
  const visit = (node: unknown, at: string): NonJsonValue | undefined => {
    switch (typeof node) {
      case 'string':
      case 'boolean':
      case 'undefined':
        return undefined;
      case 'number':
        return Number.isFinite(node) ? undefined : { path: at, reason: `is ${node}` };
      case 'object': {
        if (node === null) return undefined;
        if (ancestors.has(node)) return { path: at, reason: 'is a circular reference' };
        const isArray = Array.isArray(node);
        const proto = Object.getPrototypeOf(node);
        if (!isArray && proto !== Object.prototype && proto !== null) {
          return { path: at, reason: `is ${describeInstance(node)}` };
        }
        ancestors.add(node);
        try {
          if (isArray) {
            for (let i = 0; i < node.length; i++) {
              if (node[i] === undefined)
                return { path: `${at}[${i}]`, reason: 'is undefined (JSON would turn it into null)' };
              const problem = visit(node[i], `${at}[${i}]`);
              if (problem) return problem;
            }
            return undefined;
          }
          for (const key of Object.keys(node)) {
            const problem = visit((node as Record<string, unknown>)[key], `${at}.${key}`);
            if (problem) return problem;
          }
          return undefined;
        } finally {
          ancestors.delete(node);
        }
      }
      default:
        return { path: at, reason: `is a ${typeof node}` };
    }
  };
  return visit(value, path);
}

function describeInstance(node: object): string {
  const name = node.constructor?.name;
  if (node instanceof Date) return 'a Date';
  return name ? `an instance of ${name}` : 'an object with a custom prototype';
}
