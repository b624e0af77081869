"""Python process runtime: `python3 process_wrapper.py <script.py>`.

JSON lines on stdio (see src/process/protocol.ts). The protocol keeps the real stdout
file descriptor to itself; fd 1 is pointed at stderr and sys.stdout/sys.stderr are
replaced, so nothing the script prints can corrupt the channel. Output written inside
a call is sent as log messages tagged with that call's id (contextvars follow asyncio
tasks, so interleaved async calls keep their own logs).

At most MILLRACE_MAX_IN_FLIGHT calls run at once; the rest wait here and start the moment
one ends. A call sent with "ahead": true is reported "started" (written before it runs);
{"drop": id} removes a waiting call and is answered "dropped".
"""

import asyncio
import collections
import contextvars
import importlib.util
import inspect
import json
import math
import os
import signal
import sys
import threading
import time
import traceback

current_call = contextvars.ContextVar("millrace_call", default=0)
protocol = os.fdopen(os.dup(1), "w", encoding="utf-8", newline="\n")
os.dup2(2, 1)  # C extensions and subprocesses writing to fd 1 land on stderr
real_stderr = sys.__stderr__
outbox = []
loop = None


def flush():
    if outbox:
        protocol.write("".join(outbox))
        outbox.clear()
        protocol.flush()


def send_line(line):
    if not outbox and loop is not None:
        loop.call_soon(flush)  # one write per turn of the loop, not per message
    outbox.append(line + "\n")


def send(message):
    send_line(json.dumps(message, separators=(",", ":")))


def send_now(message):
    """Logs skip the batch: a call that prints and then blocks must still show its output."""
    flush()
    protocol.write(json.dumps(message, separators=(",", ":")) + "\n")
    protocol.flush()


class CallOutput:
    """Stands in for sys.stdout and sys.stderr: per-call, line-buffered log messages."""

    def __init__(self):
        self.buffers = {}

    def write(self, text):
        call_id = current_call.get()
        if call_id == 0:
            real_stderr.write(text)
            return len(text)
        buffered = self.buffers.get(call_id, "") + text
        cut = buffered.rfind("\n") + 1
        if cut:
            send_now({"id": call_id, "type": "log", "text": buffered[:cut]})
        self.buffers[call_id] = buffered[cut:]
        return len(text)

    def end_call(self, call_id):
        rest = self.buffers.pop(call_id, "")
        if rest:
            send({"id": call_id, "type": "log", "text": rest})

    def flush(self):
        pass

    def isatty(self):
        return False


output = CallOutput()
sys.stdout = output
sys.stderr = output


def error_info(error):
    return {
        "name": type(error).__name__,
        "message": str(error),
        "stack": "".join(traceback.format_exception(error)),
    }


class MissingMainError(LookupError):
    """The script contract's name for a script without main (docs/script-contract.md)."""


def load_main(path):
    spec = importlib.util.spec_from_file_location("millrace_script", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    main = getattr(module, "main", None)
    if not callable(main):
        raise MissingMainError("the script defines no function named main")
    return main


def not_json(message):
    return {"name": "ResultNotJsonError", "message": message}


def finite_or_none(value):
    """JSON.stringify's rule for a non-finite number inside a result: it becomes null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: finite_or_none(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite_or_none(item) for item in value]
    return value


def encode_result(result):
    """The JSON text of a result, or the error info saying why it is not JSON (the contract's table)."""
    if callable(result) or (isinstance(result, float) and not math.isfinite(result)):
        return None, not_json("main returned %r, which is not JSON" % (result,))
    try:
        return json.dumps(result, allow_nan=False, separators=(",", ":")), None
    except ValueError as error:
        if "Circular" in str(error):
            return None, not_json("main returned a value that is not JSON: " + str(error))
        # a nested NaN or infinity (the rare path): null, as in JavaScript
    except (TypeError, RecursionError) as error:
        return None, not_json("main returned a value that is not JSON: " + str(error))
    try:
        return json.dumps(finite_or_none(result), allow_nan=False, separators=(",", ":")), None
    except (TypeError, ValueError, RecursionError) as error:
        return None, not_json("main returned a value that is not JSON: " + str(error))


def started_message(call_id):
    return {"id": call_id, "type": "started", "at": time.time() * 1000}


async def run_call(main, call_id, args, state):
    current_call.set(call_id)  # each task runs in its own copy of the context
    try:
        try:
            result = main(args)
            if inspect.isawaitable(result):
                result = await result
        except Exception as error:  # noqa: BLE001 - any script failure fails this call alone
            output.end_call(call_id)
            send({"id": call_id, "type": "error", "error": error_info(error), "kind": "thrown"})
            return
        output.end_call(call_id)
        encoded, not_json_info = encode_result(result)
        if not_json_info is not None:
            send({"id": call_id, "type": "error", "error": not_json_info, "kind": "not-json"})
            return
        send_line('{"id":%d,"type":"result","result":%s}' % (call_id, encoded))
    finally:
        state["in_flight"] -= 1
        if state["waiting"] and state["in_flight"] < state["max_in_flight"]:
            next_id, next_args = state["waiting"].popleft()
            send_now(started_message(next_id))
            state["start"](next_id, next_args)
        elif state["eof"] and state["in_flight"] == 0:
            loop.stop()


def read_stdin(on_line, on_eof):
    for line in sys.stdin.buffer:
        loop.call_soon_threadsafe(on_line, line)
    loop.call_soon_threadsafe(on_eof)


def watch_parent(host_pid):
    """Orphan guard: exit if the host died without closing stdin (a sync main never reads EOF)."""
    while True:
        time.sleep(1)
        if os.getppid() != host_pid:
            os._exit(1)


def serve(main):
    state = {
        "in_flight": 0,
        "eof": False,
        "waiting": collections.deque(),
        "max_in_flight": int(os.environ.get("MILLRACE_MAX_IN_FLIGHT") or 32),
    }
    tasks = set()

    def start(call_id, args):
        state["in_flight"] += 1
        task = loop.create_task(run_call(main, call_id, args, state))
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    state["start"] = start

    def on_line(line):
        request = json.loads(line)
        if "drop" in request:
            waiting = state["waiting"]
            for queued in waiting:
                if queued[0] == request["drop"]:
                    waiting.remove(queued)
                    send({"id": request["drop"], "type": "dropped"})
                    break
            return
        if state["in_flight"] >= state["max_in_flight"]:
            state["waiting"].append((request["id"], request.get("args")))
            return
        if request.get("ahead"):
            send_now(started_message(request["id"]))
        start(request["id"], request.get("args"))

    def on_eof():
        state["eof"] = True
        if state["in_flight"] == 0:
            loop.stop()

    threading.Thread(target=read_stdin, args=(on_line, on_eof), daemon=True).start()
    threading.Thread(target=watch_parent, args=(os.getppid(),), daemon=True).start()
    send({"type": "ready"})
    loop.run_forever()
    flush()


def run():
    global loop
    if os.getpid() == 1:
        # The init of a PID namespace (docs/isolation.md) gets only the signals it handles: make
        # SIGTERM end it as it would any process, unless the script installs its own handler.
        signal.signal(signal.SIGTERM, lambda signum, _frame: os._exit(128 + signum))
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        main = load_main(sys.argv[1])
    except MissingMainError as error:
        send({"type": "load-error", "error": {"name": "MissingMainError", "message": str(error)}})
        flush()
        os._exit(1)
    except BaseException as error:  # noqa: BLE001 - report anything, even SystemExit at import
        info = error_info(error)
        info["message"] = "the script failed to load: " + info["message"]
        send({"type": "load-error", "error": info})
        flush()
        os._exit(1)
    # os._exit, never a normal interpreter exit: the stdin reader is a daemon thread holding
    # the stdin lock, and a normal shutdown under it aborts (SIGABRT) instead of exiting.
    try:
        serve(main)
    except SystemExit as stop:  # sys.exit() inside main: the process ends, as the script asked
        flush()
        if stop.code is None or isinstance(stop.code, int):
            os._exit(stop.code or 0)
        real_stderr.write(str(stop.code) + "\n")
        os._exit(1)
    except BaseException:  # noqa: BLE001 - e.g. KeyboardInterrupt: report and die
        flush()
        traceback.print_exc(file=real_stderr)
        os._exit(1)
    os._exit(0)


if __name__ == "__main__":
    run()
