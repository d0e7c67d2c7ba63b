#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the include structure of Graft's sources and prints TAP.

1. Each folder of core/ includes headers of its own layer and of the layers
   it may use only (core/README.md draws them); core/ never includes GTK,
   GDK or cairo.
2. Foreign libraries are confined: hdf5.h to core/formats/graft-h5*,
   zip.h to core/formats/graft-archive.c, cblas.h to core/net/graft-blas.c.
3. No include cycle between modules: a module is a .c file with its
   headers (x.c, x.h, x-private.h); module A depends on module B when a
   file of A includes a header of B, directly or through headers that have
   no .c of their own (graft-types.h, a family's shared private header).
   A cycle means two modules that each need the other, which is never on
   purpose.
"""
import os
import re
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))

# Which layers each layer of core/ may include.
ALLOWED = {
    'base': {'base'},
    'model': {'base', 'model'},
    'analysis': {'base', 'model', 'analysis'},
    'formats': {'base', 'model', 'formats'},
    'edit': {'base', 'model', 'analysis', 'formats', 'edit'},
    'net': {'base', 'model', 'formats', 'net'},
}
CONFINED = {
    'hdf5.h': re.compile(r'^core/formats/graft-h5[-a-z]*\.[ch]$'),
    'zip.h': re.compile(r'^core/formats/graft-archive\.c$'),
    'cblas.h': re.compile(r'^core/net/graft-blas\.c$'),
}
FORBIDDEN_IN_CORE = re.compile(r'^(gtk|gdk|cairo|adwaita)[/.]')


def sources():
    for top in ('core', 'ui', 'app'):
        for dirpath, _, files in os.walk(os.path.join(ROOT, top)):
            for f in sorted(files):
                if f.endswith(('.c', '.h')):
                    yield os.path.relpath(os.path.join(dirpath, f), ROOT)


def includes(path):
    text = open(os.path.join(ROOT, path), encoding='utf-8').read()
    return re.findall(r'^#include\s*([<"])([^>"]+)[>"]', text, re.M)


def layer_of(path):
    parts = path.split('/')
    if parts[0] != 'core' or len(parts) < 3:
        return None
    return parts[1]


def module_of(path):
    base = os.path.basename(path)
    base = re.sub(r'\.[ch]$', '', base)
    return re.sub(r'-private$', '', base)


def main():
    files = list(sources())
    header_dir = {}
    for f in files:
        if f.endswith('.h'):
            header_dir[os.path.basename(f)] = f
    problems = {'layers': [], 'confined': [], 'cycles': []}
    graph = {}
    for f in files:
        layer = layer_of(f)
        mod = (f.split('/')[0], module_of(f))
        graph.setdefault(mod, set())
        for kind, inc in includes(f):
            if f.startswith('core/') and FORBIDDEN_IN_CORE.match(inc):
                problems['layers'].append('%s includes %s' % (f, inc))
            if inc in CONFINED and not CONFINED[inc].match(f):
                problems['confined'].append('%s includes %s' % (f, inc))
            target = header_dir.get(inc)
            if target is None or kind != '"':
                continue
            tlayer = layer_of(target)
            if layer is not None and tlayer is not None and tlayer not in ALLOWED[layer]:
                problems['layers'].append('%s (%s) includes %s (%s)' % (f, layer, target, tlayer))
            tmod = (target.split('/')[0], module_of(target))
            if tmod != mod:
                graph[mod].add(tmod)
    # Headers without a .c of their own pass their includes on.
    with_code = {(f.split('/')[0], module_of(f)) for f in files if f.endswith('.c')}

    def expand(mod, seen):
        out = set()
        for w in graph.get(mod, ()):
            if w in with_code:
                out.add(w)
            elif w not in seen:
                seen.add(w)
                out |= expand(w, seen)
        return out

    graph = {m: expand(m, {m}) - {m} for m in with_code}

    # Module cycles, by Tarjan's strongly connected components.
    index, low, stack, on, sccs = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                sccs.append(sorted('/'.join(m) for m in comp))

    sys.setrecursionlimit(10000)
    for v in list(graph):
        if v not in index:
            visit(v)
    for comp in sccs:
        problems['cycles'].append(' <-> '.join(comp))

    checks = [('layers', 'core/ folders include only the layers below them, never GTK'),
              ('confined', 'hdf5.h, zip.h and cblas.h stay in their wrappers'),
              ('cycles', 'no two modules include each other')]
    print('1..%d' % len(checks))
    failed = 0
    for i, (key, what) in enumerate(checks, 1):
        if problems[key]:
            failed += 1
            print('not ok %d %s' % (i, what))
            for p in problems[key]:
                print('# %s' % p)
        else:
            print('ok %d %s' % (i, what))
    print('# %d files, %d modules' % (len(files), len(graph)))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
