#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Build and run the examples against the INSTALLED library.

Installs the current build into a staging directory (meson install
--destdir), then compiles each example with the compiler and nothing but
what `pkg-config --cflags --libs softiommu` says (no -I into the source
tree), runs it with LD_LIBRARY_PATH at the staged library, and checks that
it exits 0 and prints "<name>: OK".  A sanitized build's library needs the
sanitizer runtime in the program, so --sanitize adds the same -fsanitize
to the example's command line (the only flag not from pkg-config).

usage: install-examples.py --meson M --build DIR --source DIR --pkg-config P
           [--sanitize LIST] --cc=CC [--cc=ARG...] EXAMPLE.c...
"""
import argparse
import glob
import os
import shlex
import shutil
import subprocess
import sys


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode:
        print('$ ' + ' '.join(shlex.quote(c) for c in cmd))
        print(r.stdout + r.stderr)
    return r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--meson', required=True)
    ap.add_argument('--build', required=True)
    ap.add_argument('--source', required=True)
    ap.add_argument('--pkg-config', required=True)
    ap.add_argument('--sanitize', default='none')
    ap.add_argument('--cc', action='append', required=True)
    ap.add_argument('examples', nargs='+')
    a = ap.parse_args()

    stage = os.path.realpath(os.path.join(a.build, 'tests', 'install',
                                          'staged'))
    shutil.rmtree(stage, ignore_errors=True)
    if run(a.meson.split() + ['install', '-C', a.build, '--no-rebuild',
                              '--quiet', '--destdir', stage]).returncode:
        return 'meson install failed'

    pcs = glob.glob(os.path.join(stage, '**', 'softiommu.pc'), recursive=True)
    libs = glob.glob(os.path.join(stage, '**', 'libsoftiommu.so'),
                     recursive=True)
    if len(pcs) != 1 or len(libs) != 1:
        return 'installed files not found: %s %s' % (pcs, libs)
    # The public headers are installed, the internal interface is not.
    got = sorted(os.path.basename(h) for h in glob.glob(
        os.path.join(stage, '**', 'include', 'softiommu', '*.h'),
        recursive=True))
    want = sorted(os.listdir(os.path.join(a.source, 'include', 'softiommu')))
    if got != want:
        return 'installed headers %s, expected %s' % (got, want)

    env = dict(os.environ)
    env['PKG_CONFIG_PATH'] = os.path.dirname(pcs[0])
    r = run([a.pkg_config, '--variable=prefix', 'softiommu'], env=env)
    if r.returncode:
        return 'pkg-config does not know the installed softiommu'
    # The .pc names the real prefix; the files sit under the staging dir.
    prefix = '--define-variable=prefix=' + stage + r.stdout.strip()
    r = run([a.pkg_config, prefix, '--cflags', '--libs', 'softiommu'],
            env=env)
    if r.returncode:
        return 'pkg-config --cflags --libs softiommu failed'
    flags = shlex.split(r.stdout)
    src = os.path.realpath(a.source) + os.sep
    leaks = [f for f in flags if f[:2] in ('-I', '-L')
             and os.path.realpath(f[2:]).startswith(src)
             and not os.path.realpath(f[2:]).startswith(stage + os.sep)]
    if leaks:
        return 'pkg-config points into the source tree: %s' % leaks
    print('pkg-config --cflags --libs softiommu: ' + ' '.join(flags))

    # Strict ISO C and warnings as errors: the public headers must be clean
    # in a user's build, not only in ours.
    extra = ['-std=c11', '-Wall', '-Wextra', '-Wpedantic', '-Werror']
    if a.sanitize not in ('', 'none'):
        extra.append('-fsanitize=' + a.sanitize)
    run_env = dict(os.environ)
    run_env['LD_LIBRARY_PATH'] = os.path.dirname(libs[0])
    failed = []
    for ex in a.examples:
        name = os.path.splitext(os.path.basename(ex))[0]
        exe = os.path.join(stage, name)
        if run(a.cc + extra + [ex, '-o', exe] + flags).returncode:
            failed.append(name + ' (compile)')
            continue
        # The dynamic linker must pick the staged library, not the build's.
        r = run([exe], env=dict(run_env, LD_TRACE_LOADED_OBJECTS='1'))
        where = [l.split('=>')[1].split()[0] for l in r.stdout.splitlines()
                 if 'libsoftiommu.so' in l and '=>' in l]
        if r.returncode or len(where) != 1 or \
           os.path.realpath(where[0]) != os.path.realpath(libs[0]):
            failed.append('%s (loads %s)' % (name, where))
            continue
        r = run([exe], env=run_env)
        lines = r.stdout.splitlines()
        if r.returncode or not lines or lines[-1] != name + ': OK':
            if not r.returncode:
                print(r.stdout + r.stderr)
            failed.append(name + ' (run: exit %d)' % r.returncode)
            continue
        print('%s: built against the installed library and ran: OK' % name)
    if failed:
        return 'failed: ' + ', '.join(failed)
    return 0


if __name__ == '__main__':
    sys.exit(main())
