//! Certificate policies (RFC 5280 6.1.2-6.1.5) for a relying party with the
//! usual inputs: any policy acceptable, explicit policy not required, policy
//! mapping and anyPolicy not inhibited. A path fails only when a CA in it
//! requires an explicit policy and no policy survives the whole path.
//!
//! The valid policy tree is tracked as the set of policies at its deepest
//! level; that is all the verdict depends on.

use std::collections::BTreeSet;

use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::ParsedExtension;

const ANY_POLICY: &str = "2.5.29.32.0";

/// The state carried from the root side of the path to the leaf.
pub(crate) struct Policies {
    explicit: usize,
    inhibit_any: usize,
    inhibit_mapping: usize,
    /// `None`: the tree still holds anyPolicy (every policy is valid).
    valid: Option<BTreeSet<String>>,
}

impl Policies {
    /// `n` is the number of certificates in the path, the root excluded.
    pub(crate) fn new(n: usize) -> Policies {
        Policies {
            explicit: n + 1,
            inhibit_any: n + 1,
            inhibit_mapping: n + 1,
            valid: None,
        }
    }

    /// Processes one certificate; `last` is the leaf.
    pub(crate) fn process(
        &mut self,
        cert: &X509Certificate<'_>,
        self_issued: bool,
        last: bool,
    ) -> Result<(), &'static str> {
        let mut listed: Option<BTreeSet<String>> = None;
        let mut any = false;
        for ext in cert.extensions() {
            match ext.parsed_extension() {
                ParsedExtension::CertificatePolicies(p) => {
                    let ids: BTreeSet<String> =
                        p.iter().map(|i| i.policy_id.to_id_string()).collect();
                    any = ids.contains(ANY_POLICY)
                        && (self.inhibit_any > 0 || (self_issued && !last));
                    listed = Some(ids.into_iter().filter(|i| i != ANY_POLICY).collect());
                }
                ParsedExtension::PolicyMappings(m) if !last => {
                    for map in &m.mappings {
                        let (from, to) = (
                            map.issuer_domain_policy.to_id_string(),
                            map.subject_domain_policy.to_id_string(),
                        );
                        if from == ANY_POLICY || to == ANY_POLICY {
                            return Err("a policy mapping involves anyPolicy (RFC 5280 6.1.4 a)");
                        }
                    }
                }
                _ => {}
            }
        }
        // 6.1.3 d-e: intersect with the policies this certificate asserts.
        self.valid = match (self.valid.take(), listed) {
            (_, None) => Some(BTreeSet::new()),
            (None, Some(_)) if any => None,
            (None, Some(ids)) => Some(ids),
            (Some(valid), Some(_)) if any => Some(valid),
            (Some(valid), Some(ids)) => Some(valid.intersection(&ids).cloned().collect()),
        };
        if !last {
            self.map(cert);
        }
        if !self_issued || last {
            for c in [
                &mut self.explicit,
                &mut self.inhibit_any,
                &mut self.inhibit_mapping,
            ] {
                *c = c.saturating_sub(1);
            }
        }
        for ext in cert.extensions() {
            match ext.parsed_extension() {
                ParsedExtension::PolicyConstraints(pc) => {
                    if let Some(r) = pc.require_explicit_policy {
                        self.explicit = self.explicit.min(r as usize);
                    }
                    if let Some(m) = pc.inhibit_policy_mapping {
                        self.inhibit_mapping = self.inhibit_mapping.min(m as usize);
                    }
                }
                ParsedExtension::InhibitAnyPolicy(i) if !last => {
                    self.inhibit_any = self.inhibit_any.min(i.skip_certs as usize);
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// 6.1.4 b: policy mappings rename (or, when inhibited, drop) policies.
    fn map(&mut self, cert: &X509Certificate<'_>) {
        let Some(valid) = self.valid.as_mut() else {
            return;
        };
        for ext in cert.extensions() {
            let ParsedExtension::PolicyMappings(m) = ext.parsed_extension() else {
                continue;
            };
            let mut mapped = BTreeSet::new();
            let mut issuers = BTreeSet::new();
            for map in &m.mappings {
                let from = map.issuer_domain_policy.to_id_string();
                if valid.contains(&from) {
                    issuers.insert(from);
                    if self.inhibit_mapping > 0 {
                        mapped.insert(map.subject_domain_policy.to_id_string());
                    }
                }
            }
            valid.retain(|p| !issuers.contains(p));
            valid.extend(mapped);
        }
    }

    /// 6.1.5 g: the verdict once the leaf is processed.
    pub(crate) fn finish(&self) -> Result<(), &'static str> {
        match &self.valid {
            Some(v) if v.is_empty() && self.explicit == 0 => Err(
                "a CA requires an explicit certificate policy and none is valid for the whole path",
            ),
            _ => Ok(()),
        }
    }
}
