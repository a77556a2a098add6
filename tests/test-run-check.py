#!/usr/bin/env python3
"""The leftover check of tests/run-check.py, on leftovers made on purpose:
a process of the run (a subshell's orphan: `sleep`, carrying the run's
token), a process of another run (another token: not counted), a network
namespace (root only) and files in /tmp and in the run's TMPDIR. Each must
be listed; after cleanup, nothing must be. Prints "N passed, M failed"."""
import importlib.util
import os
import secrets
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location('run_check', os.path.join(HERE, 'run-check.py'))
rc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(rc)

passed = failed = 0


def check(desc, cond, detail=''):
    global passed, failed
    if cond:
        passed += 1
        print(f'ok {passed + failed} - {desc}')
    else:
        failed += 1
        print(f'not ok {passed + failed} - {desc} {detail}')


def spawn(token):
    """A detached `sleep` (its parent exits at once: reparented, as the
    vpdnd a backgrounded function leaves behind), with TOKEN in its env."""
    env = dict(os.environ, **{rc.TOKEN_VAR: token})
    out = subprocess.run(['sh', '-c', 'sleep 60 >/dev/null 2>&1 & echo $!'],
                         env=env, capture_output=True, text=True, check=True).stdout
    return int(out.strip())


def alive(pid):
    try:
        with open(f'/proc/{pid}/stat') as f:
            return f.read().rsplit(')', 1)[1].split()[0] != 'Z'
    except OSError:
        return False


token = secrets.token_hex(8)
tmpdir = tempfile.mkdtemp(prefix='vpdnd-check.')
before = rc.snapshot()
check('snapshot lists processes', len(before['procs']) > 1)

ours = spawn(token)
theirs = spawn(secrets.token_hex(8))
# Named after a pid that is gone (as a test's $$ after it ended): ours.
dead = spawn(token)
os.kill(dead, 9)
while alive(dead):
    time.sleep(0.01)
ns = f'vpdnd-leak{dead}'
have_ns = os.geteuid() == 0 and subprocess.call(['ip', 'netns', 'add', ns]) == 0
# Named after a live process of another run: a test still running there.
ns_other = f'vpdnd-busy{theirs}'
have_ns_other = have_ns and subprocess.call(['ip', 'netns', 'add', ns_other]) == 0
tmpfile = f'/tmp/vpdnd-isdn-leak{dead}.sock'
open(tmpfile, 'w').close()
tmp_other = f'/tmp/vpdnd-isdn-busy{theirs}.sock'
open(tmp_other, 'w').close()
open(os.path.join(tmpdir, 'vpdnd-test.leak'), 'w').close()

rows = rc.leftovers(before, token, [], tmpdir, grace=0.5)
text = '\n'.join(rows)
print('\n'.join('#   ' + r for r in rows))
check('the run\'s orphaned process is listed', f'leftover process {ours} (sleep)' in text, text)
check('another run\'s process is not', f'leftover process {theirs} ' not in text, text)
if have_ns:
    check('the new network namespace is listed', f'leftover network namespace {ns}' in text, text)
if have_ns_other:
    check('a namespace named after another run\'s live process is not', ns_other not in text, text)
check('the file left in /tmp is listed', f'leftover temporary file {tmpfile}' in text, text)
check('a /tmp file named after another run\'s live process is not', tmp_other not in text, text)
check('the file left in the run\'s TMPDIR is listed', 'vpdnd-test.leak' in text, text)
check('every row is a failure row', rows and all(r.startswith('FAILED  leftover') for r in rows), text)
for _ in range(40):
    if not alive(ours):
        break
    time.sleep(0.05)
check('the run\'s leftover process was stopped', not alive(ours))
check('the run\'s TMPDIR was removed', not os.path.exists(tmpdir))
check('another run\'s process was left alone', alive(theirs))

# Clean up what is not the check's to remove, then nothing is left.
os.kill(theirs, 9)
if have_ns:
    subprocess.call(['ip', 'netns', 'del', ns])
if have_ns_other:
    subprocess.call(['ip', 'netns', 'del', ns_other])
os.unlink(tmpfile)
os.unlink(tmp_other)
tmpdir = tempfile.mkdtemp(prefix='vpdnd-check.')
rows = rc.leftovers(before, token, [], tmpdir, grace=2)
text = '\n'.join(rows)
# Only what this test made: tests running in parallel make their own.
check('after cleanup none of it is listed',
      f'process {ours} ' not in text and f'process {theirs} ' not in text
      and ns not in text and tmpfile not in text, text)

print(f'{passed} passed, {failed} failed')
sys.exit(1 if failed else 0)
