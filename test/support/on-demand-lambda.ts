// Imported first by tests that check Powertools' cold-start flags: Powertools reads the Lambda
// initialization type when its utilities are constructed (module load), and only `on-demand`
// environments report a cold start.
process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand';
