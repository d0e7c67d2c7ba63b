#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Broken copies of real checkpoints, and how graft-cli answers them.

    mutant-sweep.py [--cli graft-cli] [--mutants N] [--seed S] [--tap]
                    [--keep DIR] FILE...

Makes N deterministic mutants (spread over the FILEs) of the kinds a user
meets: a truncated download, bit flips in the first 8 KB (where HDF5 keeps
its superblock and root objects, and zip its local headers), a range
overwritten with garbage, and random 8-byte writes anywhere. For each it
runs `graft-cli inspect`, `stats` and `render` of the original's first and
largest weights, and checks what a user must get: an answer within two
seconds of wall time, either a result or exactly one line on stderr that
starts with "graft-cli: ", and never a signal. Prints one line per check
(TAP with --tap) and a summary with the slowest times; exits 1 on any
violation.

The mutants are a pure function of (the input's bytes, the seed, the
index), so a failure found once can be made again.
"""
import argparse
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

LIMIT = 2.0      # seconds a user waits at most
HARD = 20.0      # past this the command is killed and counted as hanging


def mutate(data, kind, rng):
    data = bytearray(data)
    n = len(data)
    if n == 0:
        return bytes(data)
    if kind == 'truncate':
        return bytes(data[:rng.randrange(0, n)])
    if kind == 'flip-head':
        for _ in range(rng.randint(1, 8)):
            i = rng.randrange(0, min(n, 8192))
            data[i] ^= 1 << rng.randrange(8)
        return bytes(data)
    if kind == 'overwrite':
        start = rng.randrange(0, n)
        length = min(n - start, rng.choice((16, 64, 256, 4096)))
        fill = rng.choice((b'\x00', b'\xff', None))
        for i in range(start, start + length):
            data[i] = fill[0] if fill else rng.randrange(256)
        return bytes(data)
    if kind == 'write8':
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(0, max(1, n - 8))
            data[i:i + 8] = bytes(rng.randrange(256) for _ in range(8))
        return bytes(data)
    raise ValueError(kind)


KINDS = ('truncate', 'flip-head', 'overwrite', 'write8')


def weights_of(cli, path):
    """The first and the largest weight of the original, for stats/render."""
    out = subprocess.run([cli, 'inspect', '--json', path], capture_output=True, text=True,
                         timeout=60)
    if out.returncode != 0:
        return []
    doc = json.loads(out.stdout)
    found = []

    def walk(layers):
        for layer in layers:
            for w in layer.get('weights', []):
                size = 1
                for d in w['shape']:
                    size *= d
                found.append((w['path'], size))
            walk(layer.get('layers', []))

    walk(doc.get('layers', []))
    if not found:
        return []
    first = found[0][0]
    largest = max(found, key=lambda x: x[1])[0]
    return [first] if first == largest else [first, largest]


def run(cmd):
    t0 = time.monotonic()
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=HARD)
        return time.monotonic() - t0, p.returncode, p.stderr.decode('utf-8', 'replace')
    except subprocess.TimeoutExpired:
        return time.monotonic() - t0, None, ''


def check(elapsed, code, err):
    """None when the answer is what a user must get, else why not."""
    if code is None:
        return 'still running after %.0f s' % HARD
    if code < 0:
        return 'killed by signal %d' % -code
    if elapsed > LIMIT:
        return 'took %.2f s' % elapsed
    if code != 0:
        lines = err.rstrip('\n').split('\n')
        if code != 1 or len(lines) != 1 or not lines[0].startswith('graft-cli: '):
            return 'exit %d with %d lines on stderr: %r' % (code, len(lines), err[:200])
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('files', nargs='+')
    ap.add_argument('--cli', default=os.environ.get('GRAFT_CLI', 'graft-cli'))
    ap.add_argument('--mutants', type=int, default=100)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--tap', action='store_true')
    ap.add_argument('--keep', help='copy the mutants that fail a check into this folder')
    args = ap.parse_args()

    originals = []
    for path in sorted(args.files):
        with open(path, 'rb') as f:
            data = f.read()
        originals.append((path, data, weights_of(args.cli, path)))

    tmp = tempfile.mkdtemp(prefix='graft-mutants-')
    results = []          # (name, command, elapsed, problem)
    counts = {'result': 0, 'error': 0}
    try:
        for k in range(args.mutants):
            path, data, weights = originals[k % len(originals)]
            kind = KINDS[(k // len(originals)) % len(KINDS)]
            digest = hashlib.sha256(data).digest()[:8]
            rng = random.Random(int.from_bytes(digest, 'little') ^ (args.seed << 32) ^ k)
            base = os.path.basename(path)
            # The name keeps the original's ending; nothing is written
            # beside the originals (a mutant index finds no shards).
            name = 'm%04d-%s-%s' % (k, kind, base)
            mutant = os.path.join(tmp, name)
            with open(mutant, 'wb') as f:
                f.write(mutate(data, kind, rng))
            commands = [('inspect', [args.cli, 'inspect', mutant])]
            for w in weights:
                commands.append(('stats', [args.cli, 'stats', mutant, w]))
                commands.append(('render', [args.cli, 'render', mutant, w, '-o',
                                            os.path.join(tmp, 'out.png')]))
            for what, cmd in commands:
                elapsed, code, err = run(cmd)
                problem = check(elapsed, code, err)
                if problem is None:
                    counts['result' if code == 0 else 'error'] += 1
                elif args.keep:
                    os.makedirs(args.keep, exist_ok=True)
                    shutil.copy(mutant, os.path.join(args.keep, name))
                results.append((name, what, elapsed, problem))
            os.unlink(mutant)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    failed = [r for r in results if r[3] is not None]
    if args.tap:
        print('1..%d' % len(results))
        for i, (name, what, elapsed, problem) in enumerate(results, 1):
            status = 'ok' if problem is None else 'not ok'
            print('%s %d %s %s (%.2f s)%s' % (status, i, what, name, elapsed,
                                             '' if problem is None else ': ' + problem))
    slowest = sorted(results, key=lambda r: -r[2])[:3]
    summary = ('%d mutants of %d files, %d checks: %d results, %d one-line errors, %d '
               'violations; slowest %s' %
               (args.mutants, len(originals), len(results), counts['result'], counts['error'],
                len(failed), ', '.join('%s %s %.2f s' % (w, n, e) for n, w, e, _ in slowest)))
    print(('# ' if args.tap else '') + summary)
    for name, what, elapsed, problem in failed[:20]:
        print('# %s %s: %s' % (what, name, problem))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
