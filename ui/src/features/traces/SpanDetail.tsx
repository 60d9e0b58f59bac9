import { useMemo, useState } from 'react';
import type { OtelSpan } from '../../api/traces';
import { JsonView } from '../../components/JsonView';
import { base64ToHex, formatMs, spanDetail, type SpanNode } from './spans';

type Tab = 'inputs' | 'attributes' | 'events';

/** The selected span: its times and ids, then inputs/outputs, attributes and events as collapsible JSON. */
export function SpanDetail({ span, node, traceStart }: { span: OtelSpan; node: SpanNode; traceStart: number }) {
  // Decoding happens for the one span shown, never for the whole trace.
  const d = useMemo(() => spanDetail(span), [span]);
  const [tab, setTab] = useState<Tab>('inputs');
  const tabs: [Tab, string][] = [
    ['inputs', 'Inputs / Outputs'],
    ['attributes', `Attributes (${Object.keys(d.attributes).length})`],
    ['events', `Events (${d.events.length})`],
  ];
  return (
    <section className="span-detail" aria-label="Span detail">
      <h2>
        {node.type && <span className={'span-type t-' + node.type.toLowerCase()}>{node.type}</span>} {node.name || '(unnamed)'}
      </h2>
      <dl className="details compact">
        <div>
          <dt>Status</dt>
          <dd className={node.status === 'ERROR' ? 'status failed' : node.status === 'OK' ? 'status finished' : ''}>
            {node.status}
            {span.status?.message ? `: ${span.status.message}` : ''}
          </dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>{formatMs(node.end - node.start)}</dd>
        </div>
        <div>
          <dt>Starts at</dt>
          <dd>+{formatMs(node.start - traceStart)}</dd>
        </div>
        <div>
          <dt>Span ID</dt>
          <dd>
            <code>{base64ToHex(span.span_id)}</code>
          </dd>
        </div>
        {span.parent_span_id && (
          <div>
            <dt>Parent</dt>
            <dd>
              <code>{base64ToHex(span.parent_span_id)}</code>
            </dd>
          </div>
        )}
      </dl>
      <div className="tabs small" role="tablist" aria-label="Span sections">
        {tabs.map(([id, label]) => (
          <button key={id} type="button" role="tab" aria-selected={tab === id} className={tab === id ? 'active' : ''} onClick={() => setTab(id)}>
            {label}
          </button>
        ))}
      </div>
      <div role="tabpanel" className="span-tabpanel">
        {tab === 'inputs' && (
          <>
            <h3>Inputs</h3>
            {d.hasInputs ? <JsonView label="Inputs" value={d.inputs} /> : <p className="muted">None recorded.</p>}
            <h3>Outputs</h3>
            {d.hasOutputs ? <JsonView label="Outputs" value={d.outputs} /> : <p className="muted">None recorded.</p>}
          </>
        )}
        {tab === 'attributes' && <JsonView label="Attributes" value={d.attributes} openDepth={1} />}
        {tab === 'events' &&
          (d.events.length === 0 ? (
            <p className="muted">No events.</p>
          ) : (
            d.events.map((e, i) => (
              <div key={i} className="span-event">
                <h3>
                  {e.name} <span className="muted">+{formatMs(e.time - traceStart)}</span>
                </h3>
                <JsonView label={`Event ${e.name}`} value={e.attributes} />
              </div>
            ))
          ))}
      </div>
    </section>
  );
}
