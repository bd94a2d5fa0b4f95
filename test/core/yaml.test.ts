import { describe, expect, it } from 'vitest';
import { renderYaml } from '../../lib/core/yaml.ts';

describe('renderYaml', () => {
  it('renders nested objects and lists as short YAML', () => {
    const invoice = {
      invoiceId: 'INV-1001',
      amountEur: 120.5,
      paid: true,
      refundedAt: null,
      url: 'https://pay.example.com/l/abc',
      lines: [
        { sku: 'A-1', eur: 100 },
        { sku: 'B-2', eur: 20.5 },
      ],
      tags: ['vip', 'eu'],
      notes: [],
      meta: {},
    };

    expect(renderYaml(invoice)).toMatchInlineSnapshot(`
      "invoiceId: INV-1001
      amountEur: 120.5
      paid: true
      refundedAt: null
      url: https://pay.example.com/l/abc
      lines:
        - sku: A-1
          eur: 100
        - sku: B-2
          eur: 20.5
      tags:
        - vip
        - eu
      notes: []
      meta: {}"
    `);
  });

  it('quotes strings YAML would read as another type or that start with an indicator', () => {
    const tricky = {
      amount: '750',
      flag: 'yes',
      empty: '',
      padded: ' x ',
      dash: '- not a list',
      colon: 'key: value',
      hash: 'a #comment',
    };

    expect(renderYaml(tricky)).toMatchInlineSnapshot(`
      "amount: "750"
      flag: "yes"
      empty: ""
      padded: " x "
      dash: "- not a list"
      colon: "key: value"
      hash: "a #comment""
    `);
  });

  it('renders multi-line strings as indented blocks', () => {
    expect(renderYaml({ body: 'Hello,\nplease refund.' })).toBe('body: |\n  Hello,\n  please refund.');
  });

  it('redacts keys that name secrets, whatever their value', () => {
    const result = {
      apiKey: 'sk-1',
      api_key: 'sk-2',
      password: 'p',
      clientSecret: { nested: 'value' },
      privateKey: ['k'],
      Authorization: 'Bearer x',
      credentials: 'c',
      name: 'Ada',
    };

    expect(renderYaml(result)).toBe(
      [
        'apiKey: [redacted]',
        'api_key: [redacted]',
        'password: [redacted]',
        'clientSecret: [redacted]',
        'privateKey: [redacted]',
        'Authorization: [redacted]',
        'credentials: [redacted]',
        'name: Ada',
      ].join('\n'),
    );
  });

  it('renders scalars on their own', () => {
    expect([renderYaml(42), renderYaml(false), renderYaml(null), renderYaml('plain text')]).toEqual([
      '42',
      'false',
      'null',
      'plain text',
    ]);
  });
});
