/**
 * ESTP transactions by their declarations (`@estp/chaincode/declarations`): which names a contract
 * has, which are submitted and which evaluated, the JSON input each takes and the result each
 * returns. {@link EstpClient}'s `submit`, `evaluate` and `pages` are typed by them, so
 * `client.submit('Market', 'PostOffer', input)` checks `input` and resolves to an `Offer`, and a
 * query cannot be submitted by mistake. Paging is a primitive here: `for await (const page of
 * client.pages('Settlement', 'ListTrades', { marketId }))`.
 */
import type { Page } from '@estp/chaincode';
import type {
  ContractName,
  DeclarationOf,
  OutputOf,
  TransactionName,
  WireInputOf,
} from '@estp/chaincode/declarations';

/** The transactions of contract `C` that change state (submitted). */
export type SubmitName<C extends ContractName> = {
  [T in TransactionName<C>]: DeclarationOf<C, T>['kind'] extends 'submit' ? T : never;
}[TransactionName<C>];

/** The queries of contract `C` (evaluated). */
export type EvaluateName<C extends ContractName> = {
  [T in TransactionName<C>]: DeclarationOf<C, T>['kind'] extends 'evaluate' ? T : never;
}[TransactionName<C>];

/** The paginated list queries of contract `C`. */
export type PagesName<C extends ContractName> = {
  [T in EvaluateName<C>]: OutputOf<DeclarationOf<C, T>> extends Page<unknown> ? T : never;
}[EvaluateName<C>];

/** The JSON input of `C:T`. */
export type InputOf<C extends ContractName, T extends TransactionName<C>> = WireInputOf<DeclarationOf<C, T>>;
/** The result of `C:T`. */
export type ResultOf<C extends ContractName, T extends TransactionName<C>> = OutputOf<DeclarationOf<C, T>>;

/** The input argument, optional when every field is, then the call options. */
export type InputArgs<I, O> = object extends I ? [input?: I, options?: O] : [input: I, options?: O];

/**
 * Every page of a list query, fetched as the loop asks for it: the first without a bookmark, each
 * next one with the bookmark the previous returned, until a page returns an empty bookmark (or the
 * same one again, which would never end).
 */
export async function* pagesOf<P extends { readonly bookmark: string }>(
  fetch: (bookmark: string | undefined) => Promise<P>,
): AsyncGenerator<P, void, undefined> {
  let bookmark: string | undefined;
  for (;;) {
    const page = await fetch(bookmark);
    yield page;
    if (page.bookmark === '' || page.bookmark === bookmark) return;
    bookmark = page.bookmark;
  }
}

/** Every record of every page, in order. */
export async function recordsOf<T>(pages: AsyncIterable<{ readonly records: readonly T[] }>): Promise<T[]> {
  const records: T[] = [];
  for await (const page of pages) records.push(...page.records);
  return records;
}
