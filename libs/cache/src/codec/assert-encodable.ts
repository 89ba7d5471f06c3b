/** What a codec can carry faithfully beyond JSON's plain data. */
export interface CodecCapabilities {
  readonly bigint: boolean;
  readonly nonFiniteNumbers: boolean;
  readonly mapsAndSets: boolean;
  readonly binary: boolean;
}

/**
 * Walks a value and returns why it cannot be encoded faithfully, or undefined when it can. Codecs silently
 * drop functions, turn Maps into `{}` or cycles into stack overflows; we refuse such values up front instead.
 */
export function findUnencodable(value: unknown, can: CodecCapabilities): string | undefined {
  const ancestors = new Set<object>();
  const visit = (node: unknown, path: string): string | undefined => {
    switch (typeof node) {
      case 'function':
        return `${path} is a function`;
      case 'symbol':
        return `${path} is a symbol`;
      case 'bigint':
        return can.bigint ? undefined : `${path} is a BigInt`;
      case 'number':
        return can.nonFiniteNumbers || Number.isFinite(node) ? undefined : `${path} is ${node}`;
      case 'object': {
        if (node === null) return undefined;
        // An invalid Date has no time to encode: both codecs would store null in its place.
        if (node instanceof Date) return Number.isNaN(node.getTime()) ? `${path} is an invalid Date` : undefined;
        if (Buffer.isBuffer(node) || ArrayBuffer.isView(node)) return can.binary ? undefined : `${path} is binary data`;
        if (ancestors.has(node)) return `${path} is a circular reference`;
        if ((node instanceof Map || node instanceof Set) && !can.mapsAndSets) {
          return `${path} is a ${node.constructor.name}`;
        }
        ancestors.add(node);
        try {
          if (node instanceof Map) {
            for (const [k, v] of node) {
              const problem = visit(k, `${path}<key>`) ?? visit(v, `${path}.get(${String(k)})`);
              if (problem) return problem;
            }
            return undefined;
          }
          if (node instanceof Set || Array.isArray(node)) {
            let i = 0;
            for (const v of node) {
              if (needsVisit(v)) {
                const problem = visit(v, `${path}[${i}]`);
                if (problem) return problem;
              }
              i++;
            }
            return undefined;
          }
          for (const k in node) {
            if (!Object.hasOwn(node, k)) continue;
            const v = (node as Record<string, unknown>)[k];
            if (needsVisit(v)) {
              const problem = visit(v, `${path}.${k}`);
              if (problem) return problem;
            }
          }
          return undefined;
        } finally {
          ancestors.delete(node);
        }
      }
      default:
        return undefined;
    }
  };
  return visit(value, 'value');
}

/** Strings, booleans, null, undefined and finite numbers are always fine; skip the call for them. */
function needsVisit(value: unknown): boolean {
  const type = typeof value;
  return !(type === 'string' || type === 'boolean' || value == null || (type === 'number' && Number.isFinite(value)));
}
