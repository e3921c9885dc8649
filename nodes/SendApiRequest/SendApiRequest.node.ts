import { NodeConnectionTypes, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';
import { nodeProperties } from './properties';
import { runNode } from './run';
import { CREDENTIAL_TYPE } from './secrets';

/** Send API Request: any HTTP API, with # variables and secret keys (SPEC §5: node name sendApiRequest). */
export class SendApiRequest implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Send API Request',
    name: 'sendApiRequest',
    icon: { light: 'file:sendApiRequest.svg', dark: 'file:sendApiRequest.dark.svg' },
    group: ['output'],
    version: 1,
    subtitle: '={{$parameter["method"] + " " + $parameter["url"]}}',
    description: 'Call any HTTP API with # variables and secret keys that never leak',
    defaults: { name: 'Send API Request' },
    usableAsTool: true,
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    credentials: [{ name: CREDENTIAL_TYPE, required: false }],
    properties: nodeProperties(),
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    return [await runNode(this)];
  }
}
