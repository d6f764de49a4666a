"""The review app (审批过程中的审管互动): technical steps, opinion requests, the expert pool."""
