/**
 * `/api/docs`: the OpenAPI document (`/api/openapi.json`) as a page — every operation by tag with
 * its parameters, body schema and answers, and a form to try it with an API key (the dashboard's
 * stored one by default). Bundled like the dashboard; nothing comes from elsewhere.
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { OpenApiDocument as Document, OpenApiOperation as Operation } from '../../src/web/api-types';
import './style.css';

interface Entry {
  readonly method: string;
  readonly path: string;
  readonly operation: Operation;
}

function TryIt(props: { readonly entry: Entry }) {
  const { method, path, operation } = props.entry;
  const [values, setValues] = useState<Record<string, string>>({});
  const [body, setBody] = useState('{}');
  const [key, setKey] = useState(() => localStorage.getItem('estp.apiKey') ?? '');
  const [answer, setAnswer] = useState<string | undefined>();
  const parameters = (operation.parameters ?? []).filter((parameter) => parameter.in !== 'header');
  const send = async (event: Event): Promise<void> => {
    event.preventDefault();
    let url = path;
    const query = new URLSearchParams();
    for (const parameter of parameters) {
      const value = values[parameter.name];
      if (value === undefined || value === '') continue;
      if (parameter.in === 'path') url = url.replace(`{${parameter.name}}`, encodeURIComponent(value));
      else query.set(parameter.name, value);
    }
    const text = query.toString();
    const response = await fetch(text === '' ? url : `${url}?${text}`, {
      method: method.toUpperCase(),
      headers: {
        Authorization: `Bearer ${key}`,
        ...(method === 'post' ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(method === 'post' ? { body } : {}),
    });
    const raw = await response.text();
    let shown = raw;
    try {
      shown = JSON.stringify(JSON.parse(raw), null, 2);
    } catch {
      // not JSON: shown as it is
    }
    setAnswer(`${response.status} ${response.statusText}\n${shown}`);
  };
  return (
    <form class="try" onSubmit={(event) => void send(event)}>
      <label>
        API key{' '}
        <input
          type="password"
          value={key}
          autocomplete="off"
          onInput={(event) => {
            setKey((event.target as HTMLInputElement).value);
          }}
        />
      </label>
      {parameters.map((parameter) => (
        <label>
          {parameter.name}
          {parameter.required ? ' *' : ''}
          <input
            value={values[parameter.name] ?? ''}
            placeholder={parameter.description}
            onInput={(event) => {
              setValues({ ...values, [parameter.name]: (event.target as HTMLInputElement).value });
            }}
          />
        </label>
      ))}
      {method === 'post' && (
        <label>
          body (JSON)
          <textarea
            rows={6}
            value={body}
            onInput={(event) => {
              setBody((event.target as HTMLTextAreaElement).value);
            }}
          />
        </label>
      )}
      <button type="submit">Send</button>
      {answer !== undefined && <pre class="answer">{answer}</pre>}
    </form>
  );
}

function OperationView(props: { readonly entry: Entry }) {
  const { method, path, operation } = props.entry;
  const schema = operation.requestBody?.content['application/json']?.schema;
  return (
    <details class="operation" id={operation.operationId}>
      <summary>
        <span class={`method method-${method}`}>{method.toUpperCase()}</span> <code>{path}</code>{' '}
        <span class="summary">{operation.summary}</span>
      </summary>
      {operation.description !== undefined && <p>{operation.description}</p>}
      {(operation.parameters ?? []).length > 0 && (
        <div class="table-scroll">
          <table>
            <thead>
              <tr>
                <th>parameter</th>
                <th>in</th>
                <th>description</th>
              </tr>
            </thead>
            <tbody>
              {(operation.parameters ?? []).map((parameter) => (
                <tr>
                  <td>
                    <code>{parameter.name}</code>
                    {parameter.required ? ' *' : ''}
                  </td>
                  <td>{parameter.in}</td>
                  <td>{parameter.description ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {schema !== undefined && <pre>{JSON.stringify(schema, null, 2)}</pre>}
      <p class="note">answers: {Object.keys(operation.responses).join(', ')}</p>
      <TryIt entry={props.entry} />
    </details>
  );
}

function Docs() {
  const [document, setDocument] = useState<Document | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    fetch('/api/openapi.json').then(
      async (response) => {
        setDocument((await response.json()) as Document);
      },
      (failure: unknown) => {
        setError(String(failure));
      },
    );
  }, []);
  if (error !== undefined) return <p class="error">{error}</p>;
  if (!document) return <p class="loading">Loading…</p>;
  const entries: Entry[] = Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, operation]) => ({ method, path, operation })),
  );
  return (
    <>
      <header>
        <div class="brand">
          <h1>{document.info.title}</h1>
          <p>
            {document.info.description} <a href="/api/openapi.json">OpenAPI 3 document</a> ·{' '}
            <a href="/">dashboard</a>
          </p>
        </div>
      </header>
      <main>
        {document.tags.map((tag) => (
          <section>
            <h2>{tag.name}</h2>
            <p class="note">{tag.description}</p>
            {entries
              .filter((entry) => entry.operation.tags.includes(tag.name))
              .map((entry) => (
                <OperationView entry={entry} />
              ))}
          </section>
        ))}
      </main>
    </>
  );
}

const root = document.getElementById('docs');
if (root) render(<Docs />, root);
