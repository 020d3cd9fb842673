"""The election-day simulator (`deskpemilu simulate`): a plan of messages from a seed
(plan.py, pure), the requests the providers send (wire.py, pure), and the run that
plays them into a desk over HTTP and compares (run.py)."""
