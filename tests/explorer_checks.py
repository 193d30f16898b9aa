"""Checks shared by the explorer tests: widget errors."""


def error_outputs(explorer):
    """Tracebacks or stderr text that reached the explorer's Output widget."""
    return [
        out
        for out in explorer.output.outputs
        if out.get("output_type") == "error" or out.get("name") == "stderr"
    ]
