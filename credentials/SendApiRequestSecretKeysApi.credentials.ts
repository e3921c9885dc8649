import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * Named secret keys for the Send API Request node, used in any field as #secrets.NAME. The node
 * places them itself (it needs the values to build the request and to mask them), so authentication
 * passes the request through unchanged.
 */
export class SendApiRequestSecretKeysApi implements ICredentialType {
  name = 'sendApiRequestSecretKeysApi';

  displayName = 'Send API Request Secret Keys API';

  icon = { light: 'file:sendApiRequest.svg', dark: 'file:sendApiRequest.dark.svg' } as const;

  documentationUrl = 'https://docs.n8n.io/integrations/community-nodes/';

  properties: INodeProperties[] = [
    {
      displayName: 'Keys',
      name: 'keys',
      type: 'fixedCollection',
      typeOptions: { multipleValues: true },
      placeholder: 'Add Key',
      default: {},
      description: 'Each key is used in the node as #secrets.NAME and is masked as *** in errors and echoes of the request',
      options: [
        {
          name: 'values',
          displayName: 'Key',
          values: [
            { displayName: 'Name', name: 'name', type: 'string', default: '', placeholder: 'TOKEN' },
            { displayName: 'Value', name: 'value', type: 'string', typeOptions: { password: true }, default: '' },
          ],
        },
      ],
    },
    {
      displayName: 'Test URL',
      name: 'testUrl',
      type: 'string',
      default: '',
      placeholder: 'https://api.example.com/health',
      description: 'A URL that answers with a 2xx status, called with GET when the credential is tested',
    },
  ];

  authenticate: IAuthenticateGeneric = { type: 'generic', properties: {} };

  test: ICredentialTestRequest = {
    request: { url: '={{$credentials.testUrl}}', method: 'GET' },
  };
}
