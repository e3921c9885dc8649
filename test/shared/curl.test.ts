import { buildRequest, parseCurl, shellWords, SendApiRequestError } from '../../shared';

function importError(command: string): SendApiRequestError {
  try {
    parseCurl(command);
  } catch (e) {
    expect(e).toBeInstanceOf(SendApiRequestError);
    return e as SendApiRequestError;
  }
  throw new Error(`parseCurl accepted: ${command}`);
}

/** What the imported form sends, through the same core the nodes use. */
function sent(command: string) {
  const prepared = buildRequest(parseCurl(command), { values: {} });
  const body = prepared.body === undefined ? undefined : Buffer.isBuffer(prepared.body) ? prepared.body.toString('utf8') : prepared.body;
  return { method: prepared.method, url: prepared.url, headers: prepared.headers, body };
}

describe('shellWords', () => {
  test('single quotes, double quotes, backslashes and line continuations', () => {
    expect(shellWords(`curl 'a b' "c \\"d\\" \\$e" f\\ g \\\n  h`)).toEqual(['curl', 'a b', 'c "d" $e', 'f g', 'h']);
  });
  test("ANSI-C $'…' strings as browsers copy them", () => {
    expect(shellWords(`curl $'{"a":"x\\ny\\u00e9\\'"}'`)).toEqual(['curl', '{"a":"x\nyé\'"}']);
  });
  test('adjacent quoted parts join into one word; CRLF lines continue', () => {
    expect(shellWords(`curl -H 'A: '"b"c \\\r\n -s`)).toEqual(['curl', '-H', 'A: bc', '-s']);
  });
  test('an unclosed quote is a clear error', () => {
    for (const cmd of [`curl 'abc`, `curl "abc`, `curl $'abc`]) {
      const e = importError(cmd);
      expect(e.code).toBe('INVALID_CONFIG');
      expect(e.field).toBe('curl');
      expect(e.message).toMatch(/quote|string/);
    }
  });
});

describe('parseCurl', () => {
  test('a plain GET keeps its query string in the URL', () => {
    expect(parseCurl('curl https://api.example.com/users?page=2&q=a%20b')).toEqual({
      url: 'https://api.example.com/users?page=2&q=a%20b',
      method: 'GET',
      query: [],
      headers: [],
      body: { mode: 'none' },
    });
  });

  test('method from -X / --request / -XPOST, headers from -H / --header', () => {
    const c = parseCurl(`curl -XPUT --url https://x.test/a -H 'Accept: application/json' --header "X-Trace:  1 "`);
    expect(c.method).toBe('PUT');
    expect(c.url).toBe('https://x.test/a');
    expect(c.headers).toEqual([{ key: 'Accept', value: 'application/json' }, { key: 'X-Trace', value: '1' }]);
    expect(parseCurl('curl --request delete https://x.test/a').method).toBe('DELETE');
  });

  test('a JSON body becomes raw with an empty content type (JSON), the Content-Type row is folded in', () => {
    const c = parseCurl(`curl https://x.test/items \\
      -H "Content-Type: application/json" \\
      -d '{"name":"Ada","tags":["a","b"]}'`);
    expect(c.method).toBe('POST');
    expect(c.headers).toEqual([]);
    expect(c.body).toEqual({ mode: 'raw', raw: '{"name":"Ada","tags":["a","b"]}', contentType: '' });
    expect(sent(`curl https://x.test/items -H "Content-Type: application/json" -d '{"name":"Ada"}'`)).toMatchObject({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name":"Ada"}',
    });
  });

  test('--json and --data-raw/--data-binary; a vendor JSON type is kept', () => {
    const j = parseCurl(`curl --json '{"a":1}' https://x.test/`);
    expect(j.body).toEqual({ mode: 'raw', raw: '{"a":1}', contentType: '' });
    expect(j.headers).toEqual([{ key: 'Accept', value: 'application/json' }]);
    expect(j.method).toBe('POST');
    const v = parseCurl(`curl https://x.test/ -H 'content-type: application/vnd.api+json' --data-raw '{"data":{}}'`);
    expect(v.body).toEqual({ mode: 'raw', raw: '{"data":{}}', contentType: 'application/vnd.api+json' });
    const b = parseCurl(`curl https://x.test/ --data-binary '[1,2]'`);
    expect(b.body).toEqual({ mode: 'raw', raw: '[1,2]', contentType: '' });
  });

  test('form data becomes form fields (decoded), several -d joined like curl', () => {
    const c = parseCurl(`curl https://x.test/login -d 'user=ada%40x.test' -d 'note=a+b' --data-urlencode 'msg=1 & 2'`);
    expect(c.method).toBe('POST');
    expect(c.body).toEqual({
      mode: 'fields',
      encoding: 'form',
      fields: [{ key: 'user', value: 'ada@x.test' }, { key: 'note', value: 'a b' }, { key: 'msg', value: '1 & 2' }],
    });
    expect(sent(`curl https://x.test/login -d 'user=ada%40x.test' --data-urlencode 'msg=1 & 2'`)).toMatchObject({
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'user=ada%40x.test&msg=1+%26+2',
    });
  });

  test('-F gives multipart fields; a file upload is refused with a hint', () => {
    const c = parseCurl(`curl -F name=Ada -F 'note="a;b"' -F 'kind=x;type=text/plain' https://x.test/up`);
    expect(c.body).toEqual({ mode: 'fields', encoding: 'multipart', fields: [{ key: 'name', value: 'Ada' }, { key: 'note', value: 'a;b' }, { key: 'kind', value: 'x' }] });
    expect(c.method).toBe('POST');
    const e = importError('curl -F file=@photo.png https://x.test/up');
    expect(e.message).toMatch(/uploads a file/);
    expect(e.hint).toMatch(/#payload/);
  });

  test('text bodies keep their content type', () => {
    const c = parseCurl(`curl -X POST https://x.test/xml -H 'Content-Type: application/xml' -d '<a>1</a>'`);
    expect(c.body).toEqual({ mode: 'raw', raw: '<a>1</a>', contentType: 'application/xml' });
    expect(c.headers).toEqual([]);
  });

  test('-u gives a Basic Authorization header; -A, -e, -b, --oauth2-bearer give theirs', () => {
    const c = parseCurl(`curl -u 'ada:s3cr:et' -A agent/1 -e https://ref.test -b 'a=1; b=2' https://x.test/`);
    expect(c.headers).toEqual([
      { key: 'Authorization', value: `Basic ${Buffer.from('ada:s3cr:et').toString('base64')}` },
      { key: 'User-Agent', value: 'agent/1' },
      { key: 'Referer', value: 'https://ref.test' },
      { key: 'Cookie', value: 'a=1; b=2' },
    ]);
    expect(parseCurl('curl --oauth2-bearer tok https://x.test').headers).toEqual([{ key: 'Authorization', value: 'Bearer tok' }]);
    // UTF-8 like curl, without Node's Buffer (the editor runs this parser in the browser).
    expect(parseCurl("curl -u 'jürgen:pässwörd' https://x.test").headers).toEqual([
      { key: 'Authorization', value: `Basic ${Buffer.from('jürgen:pässwörd', 'utf8').toString('base64')}` },
    ]);
    expect(parseCurl('curl -u ada https://x.test').headers[0].value).toBe(`Basic ${Buffer.from('ada:').toString('base64')}`);
  });

  test('-G sends the data as query parameters with GET', () => {
    const c = parseCurl(`curl -G https://x.test/search?lang=en -d q=a%20b --data-urlencode 'tag=c&d'`);
    expect(c.method).toBe('GET');
    expect(c.url).toBe('https://x.test/search?lang=en');
    expect(c.query).toEqual([{ key: 'q', value: 'a b' }, { key: 'tag', value: 'c&d' }]);
    expect(c.body).toEqual({ mode: 'none' });
    expect(sent(`curl -G https://x.test/search?lang=en -d q=a%20b`).url).toBe('https://x.test/search?lang=en&q=a+b');
  });

  test('-I is HEAD; grouped flags and behaviour-only options are accepted', () => {
    expect(parseCurl('curl -sSLI https://x.test').method).toBe('HEAD');
    const c = parseCurl('curl -sSLk --compressed --max-time 5 -o out.json --retry 3 https://x.test/a');
    expect(c).toMatchObject({ url: 'https://x.test/a', method: 'GET', headers: [] });
  });

  test('a URL without a scheme gets http:// like curl; a leading "$ " prompt is ignored', () => {
    expect(parseCurl('$ curl localhost:8080/a').url).toBe('http://localhost:8080/a');
    expect(parseCurl('/usr/bin/curl https://x.test').url).toBe('https://x.test');
  });

  test('a literal # is escaped so the form sends what curl sends', () => {
    const command = `curl 'https://x.test/p?c=#fff#section' -H 'X-Tag: #secrets.TOKEN' -d '{"color":"#fff","n":"#{x}"}' -H 'Content-Type: application/json'`;
    const c = parseCurl(command);
    expect(c.url).toBe('https://x.test/p?c=##fff##section');
    expect(c.headers).toEqual([{ key: 'X-Tag', value: '##secrets.TOKEN' }]);
    expect(c.body).toEqual({ mode: 'raw', raw: '{"color":"##fff","n":"##{x}"}', contentType: '' });
    const s = sent(command);
    expect(s.headers['X-Tag']).toBe('#secrets.TOKEN');
    expect(s.body).toBe('{"color":"#fff","n":"#{x}"}');
    // A # that cannot start a variable stays as it is.
    expect(parseCurl("curl 'https://x.test/a?n=#1'").url).toBe('https://x.test/a?n=#1');
  });

  test('unparseable input fails with INVALID_CONFIG on the field curl', () => {
    const cases: Array<[string, RegExp]> = [
      ['', /empty/],
      ['wget https://x.test', /does not start with "curl"/],
      ['curl -H', /needs a value/],
      ['curl -X POST', /no URL/],
      ['curl https://a.test https://b.test', /more than one URL/],
      ['curl https://x.test | jq .', /another shell command/],
      ['curl --frobnicate https://x.test', /--frobnicate/],
      ['curl -d @body.json https://x.test', /reads a file/],
      ['curl -H NoColon https://x.test', /not a header/],
      ['curl -d a=1 -F b=2 https://x.test', /mixes/],
      ['curl https://a.test --next https://b.test', /more than one request/],
    ];
    for (const [command, message] of cases) {
      const e = importError(command);
      expect(e.code).toBe('INVALID_CONFIG');
      expect(e.field).toBe('curl');
      expect(e.message).toMatch(/^Cannot import the curl command: /);
      expect(e.message).toMatch(message);
    }
  });

  test('a browser "Copy as cURL (bash)" command imports', () => {
    const command = `curl 'https://api.x.test/v1/items?limit=10' \\
  -H 'accept: application/json' \\
  -H 'authorization: Bearer abc.def' \\
  -H 'content-type: application/json' \\
  --data-raw $'{"title":"it\\'s","n":1}' \\
  --compressed`;
    const c = parseCurl(command);
    expect(c).toEqual({
      url: 'https://api.x.test/v1/items?limit=10',
      method: 'POST',
      query: [],
      headers: [{ key: 'accept', value: 'application/json' }, { key: 'authorization', value: 'Bearer abc.def' }],
      body: { mode: 'raw', raw: `{"title":"it's","n":1}`, contentType: '' },
    });
  });
});
