/**
 * Strongly connected components by Tarjan's algorithm, iterative (an explicit call stack instead of
 * recursion: a graph of millions of states would overflow the JavaScript stack), in typed arrays.
 */

/** A graph in compressed sparse row form: vertex v's edges go to targets[offsets[v]] to targets[offsets[v + 1] - 1]. */
export interface Adjacency {
  offsets: Uint32Array;
  targets: Uint32Array;
}

/** Every vertex's component number, and how many components there are. */
export interface Components {
  /** component number of each vertex, 0 to count - 1; components come in reverse topological order (edges between components go to lower numbers) */
  component: Int32Array;
  count: number;
}

/** The strongly connected components of a graph of `offsets.length - 1` vertices. */
export function stronglyConnectedComponents({ offsets, targets }: Adjacency): Components {
  const vertices = offsets.length - 1;
  /** discovery number of each vertex; -1: not visited */
  const order = new Int32Array(vertices).fill(-1);
  const low = new Int32Array(vertices);
  /** -1 while a visited vertex is on Tarjan's stack (not yet in a component) */
  const component = new Int32Array(vertices).fill(-1);
  const stack = new Int32Array(vertices);
  const calls = new Int32Array(vertices);
  /** next edge to follow from each vertex on the call stack */
  const cursor = new Uint32Array(vertices);
  let stackTop = 0;
  let callTop = 0;
  let visited = 0;
  let count = 0;

  for (let root = 0; root < vertices; root += 1) {
    if (order[root] !== -1) continue;
    order[root] = low[root] = visited++;
    stack[stackTop++] = root;
    cursor[root] = offsets[root]!;
    calls[callTop++] = root;
    while (callTop > 0) {
      const vertex = calls[callTop - 1]!;
      if (cursor[vertex]! < offsets[vertex + 1]!) {
        const target = targets[cursor[vertex]!]!;
        cursor[vertex] = cursor[vertex]! + 1;
        if (order[target] === -1) {
          order[target] = low[target] = visited++;
          stack[stackTop++] = target;
          cursor[target] = offsets[target]!;
          calls[callTop++] = target;
        } else if (component[target] === -1 && order[target]! < low[vertex]!) {
          low[vertex] = order[target]!;
        }
        continue;
      }
      callTop -= 1;
      if (low[vertex] === order[vertex]) {
        let member: number;
        do {
          member = stack[--stackTop]!;
          component[member] = count;
        } while (member !== vertex);
        count += 1;
      }
      if (callTop > 0) {
        const caller = calls[callTop - 1]!;
        if (low[vertex]! < low[caller]!) low[caller] = low[vertex]!;
      }
    }
  }
  return { component, count };
}
