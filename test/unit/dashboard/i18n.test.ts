/**
 * The dashboard's two languages: the same keys, no empty text, the same placeholders, and a
 * translation for every ledger value the page names (statuses, commodities, event names, roles).
 */
import { EventName } from '../../../chaincode/src/lib/events';
import { ROLES } from '../../../chaincode/src/lib/caller';
import {
  COMMODITIES,
  PARTICIPANT_KINDS,
  PARTICIPANT_STATUSES,
} from '../../../chaincode/src/participant/model';
import { ORGANISATION_STATUSES } from '../../../chaincode/src/consortium/model';
import {
  TRADE_STATUSES,
  type TradeOrigin,
  type TradeSettlement,
} from '../../../chaincode/src/settlement/model';
import type { MarketStatus, OfferStatus } from '../../../chaincode/src/market/model';
import type { DisputeStatus } from '../../../chaincode/src/dispute/model';
import {
  ledgerTerm,
  MESSAGES,
  type MessageKey,
  preferredLanguage,
  translator,
} from '../../../application/dashboard/src/i18n';

const keys = Object.keys(MESSAGES.en) as MessageKey[];
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

test('English and Chinese have the same keys, none empty, with the same placeholders', () => {
  expect(Object.keys(MESSAGES.zh).sort()).toEqual([...keys].sort());
  for (const key of keys) {
    expect({ key, en: MESSAGES.en[key].trim() !== '', zh: MESSAGES.zh[key].trim() !== '' }).toEqual({
      key,
      en: true,
      zh: true,
    });
    expect({ key, placeholders: placeholders(MESSAGES.zh[key]) }).toEqual({
      key,
      placeholders: placeholders(MESSAGES.en[key]),
    });
  }
});

test('Chinese text is Chinese: every message but a few proper names differs from the English', () => {
  const same = keys.filter((key) => MESSAGES.en[key] === MESSAGES.zh[key]);
  expect(same).toEqual([]);
});

/** Every value of a union the chaincode declares only as a type: the Record makes the list complete. */
const every = <T extends string>(values: Record<T, true>): T[] => Object.keys(values) as T[];
const MARKET_STATUSES = every<MarketStatus>({ OPEN: true, CLEARING: true, CLEARED: true });
const OFFER_STATUSES = every<OfferStatus>({ OPEN: true, FILLED: true, CANCELLED: true, EXPIRED: true });
const DISPUTE_STATUSES = every<DisputeStatus>({ OPEN: true, RULED: true, LAPSED: true });
const ORIGINS = every<TradeOrigin>({ AUCTION: true, BILATERAL: true });
const BASES = every<TradeSettlement['basis']>({
  DELIVERED: true,
  DEFAULTED: true,
  RULED: true,
  CERTIFICATE: true,
});

test('every ledger value the page names has a translation', () => {
  const t = translator('zh');
  const values: [Parameters<typeof ledgerTerm>[1], readonly string[]][] = [
    ['event', Object.values(EventName)],
    ['role', ROLES],
    ['commodity', COMMODITIES],
    ['kind', PARTICIPANT_KINDS],
    [
      'status',
      [
        ...TRADE_STATUSES,
        ...PARTICIPANT_STATUSES,
        ...ORGANISATION_STATUSES,
        ...MARKET_STATUSES,
        ...OFFER_STATUSES,
        ...DISPUTE_STATUSES,
      ],
    ],
    ['origin', ORIGINS],
    ['basis', BASES],
  ];
  for (const [prefix, list] of values) {
    for (const value of list)
      expect({ prefix, value, translated: ledgerTerm(t, prefix, value) !== value }).toEqual({
        prefix,
        value,
        translated: true,
      });
  }
});

test('placeholders are filled; a missing value leaves the placeholder visible', () => {
  const t = translator('en');
  expect(t('curve.price', { price: '€0.20/kWh' })).toBe('price €0.20/kWh');
  expect(t('curve.price')).toBe('price {price}');
});

test('a browser preferring any Chinese locale gets Chinese, others English', () => {
  expect(preferredLanguage(['zh-TW', 'en'])).toBe('zh');
  expect(preferredLanguage(['de-DE', 'en-GB'])).toBe('en');
});
