import { childNamed, davName, type XmlElement } from '@datebook/shared-kernel/dav';
import { ALLPROP, type PropRequest, propsOf } from './propRequest';

/** The properties a REPORT asks of each resource (RFC 4791 §7.8, §7.9; RFC 6578 §6.2): prop, propname or allprop. */
export function reportPropsOf(report: XmlElement): PropRequest {
  const prop = childNamed(report, davName('prop'));
  if (prop) return propsOf(prop);
  if (childNamed(report, davName('propname'))) return { kind: 'propname' };
  return ALLPROP;
}
