import type { SimResponse } from '../kit/loopback-server';

/** GitLab's offset pagination: `per_page` defaults to 20 and is capped at 100; `page` counts from 1. */
const DEFAULT_PER_PAGE = 20;
const MAX_PER_PAGE = 100;

/** Grape validates `page` and `per_page` as integers: `page is invalid`. */
export const pagingProblem = (input: Readonly<Record<string, string>>): string | undefined => {
  const problems = ['page', 'per_page'].filter((name) => input[name] !== undefined && !/^-?\d+$/.test(input[name] ?? ''));
  return problems.length > 0 ? problems.map((name) => `${name} is invalid`).join(', ') : undefined;
};

/**
 * One page with GitLab's headers: `x-page`, `x-per-page`, `x-next-page` and `x-prev-page` (empty
 * when there is none), `x-total`, `x-total-pages`, and a `link` header with first/prev/next/last.
 */
export const offsetPage = (baseUrl: string, path: string, input: Readonly<Record<string, string>>, items: readonly unknown[]): SimResponse => {
  const requested = Number(input.per_page ?? DEFAULT_PER_PAGE);
  const perPage = requested >= 1 ? Math.min(requested, MAX_PER_PAGE) : DEFAULT_PER_PAGE;
  const page = Math.max(1, Number(input.page ?? 1));
  const totalPages = Math.max(1, Math.ceil(items.length / perPage));
  const next = page < totalPages ? String(page + 1) : '';
  const prev = page > 1 ? String(Math.min(page - 1, totalPages)) : '';
  const link = (target: string | number, rel: string): string => {
    const query = new URLSearchParams({ ...input, page: String(target), per_page: String(perPage) });
    query.delete('private_token');
    return `<${baseUrl}/api/v4/${path}?${query.toString()}>; rel="${rel}"`;
  };
  const links = [...(prev ? [link(prev, 'prev')] : []), ...(next ? [link(next, 'next')] : []), link(1, 'first'), link(totalPages, 'last')];
  return {
    status: 200,
    headers: {
      'x-page': String(page),
      'x-per-page': String(perPage),
      'x-next-page': next,
      'x-prev-page': prev,
      'x-total': String(items.length),
      'x-total-pages': String(totalPages),
      link: links.join(', '),
    },
    body: items.slice((page - 1) * perPage, page * perPage),
  };
};
