import { render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import { PageHeading } from './PageHeading';

describe('PageHeading', () => {
  it('reads as the trail then the title, " / " between, the trail as links', () => {
    render(
      <MemoryRouter>
        <PageHeading
          trail={[
            { to: '/experiments', label: 'Experiments' },
            { to: '/experiments/7', label: 'my-exp' },
          ]}
          title="run-name"
        />
      </MemoryRouter>,
    );
    const h1 = screen.getByRole('heading', { level: 1, name: 'Experiments / my-exp / run-name' });
    expect(h1.textContent).toBe('Experiments / my-exp / run-name');
    const links = screen.getAllByRole('link');
    expect(links.map((a) => [a.textContent, a.getAttribute('href'), a.className])).toEqual([
      ['Experiments', '/experiments', 'muted'],
      ['my-exp', '/experiments/7', 'muted'],
    ]);
    expect(h1.parentElement?.className).toBe('page-head');
  });

  it('is just the title without a trail, with the page actions beside the heading', () => {
    render(
      <MemoryRouter>
        <PageHeading title="Registered models">
          <button type="button">Create model</button>
        </PageHeading>
      </MemoryRouter>,
    );
    const h1 = screen.getByRole('heading', { level: 1 });
    expect(h1.textContent).toBe('Registered models');
    expect(screen.queryByRole('link')).toBeNull();
    const button = screen.getByRole('button', { name: 'Create model' });
    expect(h1.contains(button)).toBe(false);
    expect(button.parentElement).toBe(h1.parentElement);
  });
});
