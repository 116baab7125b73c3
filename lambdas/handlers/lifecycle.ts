// Placeholder until the handler lands (the lead is writing it); the CDK stack bundles this entry.
export const handler = async (): Promise<{ statusCode: number; body: string }> => ({ statusCode: 501, body: '' });
