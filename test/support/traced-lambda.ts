// Imported first by tests that look at X-Ray subsegments: the Powertools tracer decides at
// construction whether it runs in Lambda with tracing on, and the X-Ray SDK builds the invocation's
// facade segment from _X_AMZN_TRACE_ID. Segments go to the daemon address over UDP on loopback,
// where nothing listens (UDP sends need no listener).
process.env.AWS_LAMBDA_FUNCTION_NAME = 'patgate-test';
process.env.AWS_EXECUTION_ENV = 'AWS_Lambda_nodejs22.x';
// No global patching of http/https/fetch: core modules are shared by every test file of a worker.
process.env.POWERTOOLS_TRACER_CAPTURE_HTTPS_REQUESTS = 'false';
process.env.POWERTOOLS_TRACE_ENABLED = 'true';
process.env.AWS_XRAY_DAEMON_ADDRESS = '127.0.0.1:2000';
process.env.AWS_XRAY_CONTEXT_MISSING = 'IGNORE_ERROR';
process.env.LAMBDA_TASK_ROOT = process.cwd();
process.env._X_AMZN_TRACE_ID = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
