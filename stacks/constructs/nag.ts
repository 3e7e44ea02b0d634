import { Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/**
 * An ARN as cdk-nag spells it in a finding id: the resolved CloudFormation value, with `{Ref: X}` as
 * `<X>`, `{Fn::GetAtt: [A, B]}` as `<A.B>` and `${X}` in `Fn::Sub` as `<X>`, so acknowledgements name
 * exactly one resource.
 */
export function nagResource(scope: Construct, arn: string): string {
  const render = (value: unknown): string => {
    if (typeof value === 'string') return value;
    if (typeof value === 'object' && value !== null) {
      const object = value as Record<string, unknown>;
      if (typeof object.Ref === 'string') return `<${object.Ref}>`;
      if (Array.isArray(object['Fn::GetAtt'])) return `<${object['Fn::GetAtt'].join('.')}>`;
      const sub = object['Fn::Sub'];
      if (typeof sub === 'string') return sub.replaceAll(/\$\{([^}]+)\}/g, '<$1>');
      const join = object['Fn::Join'];
      if (Array.isArray(join) && Array.isArray(join[1])) return join[1].map(render).join(String(join[0]));
    }
    throw new Error(`Cannot name ${JSON.stringify(value)} for cdk-nag`);
  };
  return render(Stack.of(scope).resolve(arn));
}
