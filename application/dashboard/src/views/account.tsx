/** The caller's account (money and certificates) and participant record. */
import type { Account } from '@estp/chaincode';
import { energy, money as amount } from '../format';
import { ledgerTerm } from '../i18n';
import { useApp, useLedger } from '../state';
import { Figure, Ledger, LoadState, Status } from './common';

export function AccountView() {
  const { api, t, money, locale, me } = useApp();
  const loaded = useLedger(['account'], () => api.get<Account>('/api/accounts/me'), []);
  const participant = me.participant;
  return (
    <section aria-labelledby="account-title">
      <h2 id="account-title">{t('account.title')}</h2>
      <p>
        <Ledger>{me.participantId}</Ledger>
      </p>
      <LoadState loaded={loaded}>
        {(account) => (
          <dl class="figures account">
            <Figure
              label={t('account.available')}
              value={amount(account.available, money)}
              name="available"
            />
            <Figure label={t('account.escrowed')} value={amount(account.escrowed, money)} name="escrowed" />
            <Figure
              label={t('account.certificatesHeld')}
              value={energy(account.certificatesHeldWh, locale)}
              name="certificates-held"
            />
            <Figure
              label={t('account.certificatesEscrowed')}
              value={energy(account.certificatesEscrowedWh, locale)}
            />
            <Figure
              label={t('account.certificatesRetired')}
              value={energy(account.certificatesRetiredWh, locale)}
            />
            <Figure label={t('account.minted')} value={amount(account.minted, money)} />
            <Figure label={t('account.burned')} value={amount(account.burned, money)} />
          </dl>
        )}
      </LoadState>
      <h3>{t('account.participant')}</h3>
      {participant === null ? (
        <p class="empty">{t('account.notRegistered')}</p>
      ) : (
        <dl class="figures">
          <Figure label={t('col.name')} value={<Ledger>{participant.displayName}</Ledger>} />
          <Figure label={t('col.status')} value={<Status value={participant.status} />} />
          <Figure label={t('col.kind')} value={ledgerTerm(t, 'kind', participant.kind)} />
          <Figure
            label={t('col.commodities')}
            value={participant.commodities
              .map((commodity) => ledgerTerm(t, 'commodity', commodity))
              .join(', ')}
          />
          <Figure label={t('col.zone')} value={<Ledger>{participant.gridZone}</Ledger>} />
          <Figure label={t('col.meters')} value={<Ledger>{participant.meterIds.join(', ') || '—'}</Ledger>} />
          <Figure
            label={t('me.roles')}
            value={me.roles.map((role) => ledgerTerm(t, 'role', role)).join(', ')}
          />
        </dl>
      )}
    </section>
  );
}
