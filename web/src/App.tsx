import { useEffect, useState } from 'react';

type ApiState = 'checking' | 'up' | 'down';

export function App() {
  const [api, setApi] = useState<ApiState>('checking');

  useEffect(() => {
    const controller = new AbortController();
    fetch('/api/health', { signal: controller.signal })
      .then((response) => setApi(response.ok ? 'up' : 'down'))
      .catch(() => {
        if (!controller.signal.aborted) setApi('down');
      });
    return () => controller.abort();
  }, []);

  return (
    <main className="page">
      <header className="brand">
        <img src="/favicon.svg" alt="" width={48} height={48} />
        <h1>Sparegris</h1>
      </header>
      <p className="lead">
        Automatic savings from your Nordea account: round up card purchases, put 20 kr aside for every coffee,
        send 10 % of your salary to your goals.
      </p>
      <p className={`status status-${api}`} role="status">
        {api === 'checking' && 'Checking the service…'}
        {api === 'up' && 'The service is running.'}
        {api === 'down' && 'The service is not reachable right now.'}
      </p>
    </main>
  );
}
