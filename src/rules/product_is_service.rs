//! `product-is-service`: a product is also a service; a service is not always a product.

use crate::load::{Node, View};

use super::{Context, Rule, RuleMeta, Stage, Target, finding};
use crate::catalogue::{EntityRef, Kind, clip};
use crate::diagnostic::{Diagnostic, Label, Severity};

pub static META: RuleMeta = RuleMeta {
    id: "product-is-service",
    default_severity: Severity::Error,
    stage: Stage::Entity,
    summary: "every Product is delivered through an existing, operated Service, and back-references agree",
    doc: r#"## What it checks
Everything about the link between a product and its service:
- a Product has `spec.service`, and it names an existing **Service** (not a team, not a
  product);
- a `live` or `beta` product's service is not `pipeline` or `retired` (someone must operate
  it);
- a Service's optional `spec.product` names a Product whose `spec.service` is that service.

## Why it matters
A product is also a service, but a service is not always a product. The product is the thing
built (a portal, an app, a device); people only get it through a service: its support, its
availability, its request handling. A product with no service behind it has nobody to call
when it breaks and no promise about when it works.

## Example
```yaml
kind: Product
metadata: {id: hr-portal, name: HR Portal}
spec:
  service: hr-systems        # a Team, not a Service
```

Instead:

```yaml
kind: Product
metadata: {id: hr-portal, name: HR Portal}
spec:
  service: hr-self-service   # the Service that delivers it
```

## How to fix
Point `spec.service` at the Service that supports and operates the product, and define that
service if it does not exist yet. If a service names the product in `spec.product`, make the
two agree.

`catalint check --unsafe-fixes` replaces an unknown service (or product) id with the one
existing id of that kind close to it, when exactly one is (unsafe). The other problems need a
person: no fix.
"#,
};

pub struct ProductIsService;

impl Rule for ProductIsService {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_entity(&self, cx: &Context<'_>, e: EntityRef<'_>, out: &mut Vec<Diagnostic>) {
        match e.kind() {
            Kind::Product => check_product(cx, e, out),
            Kind::Service => check_service(cx, e, out),
            Kind::Team | Kind::Declared(_) => {}
        }
    }
}

fn check_product(cx: &Context<'_>, e: EntityRef<'_>, out: &mut Vec<Diagnostic>) {
    if !e.get("/spec").is_some_and(Node::is_object) {
        return;
    }
    let id = e.id();
    let ptr = "/spec/service";
    if cx.broke_schema(e, ptr) {
        return;
    }
    let service_id = match e.get(ptr).map(Node::view) {
        None | Some(View::Null) => {
            let (at, label) = if e.get(ptr).is_some() {
                (e.at_value(ptr), "`service` is empty")
            } else {
                (e.at_missing("/spec"), "`service` is missing from `spec`")
            };
            out.push(
                finding(
                    &META,
                    format!("product `{id}` names no service it is delivered through"),
                    Label::new(at, label),
                )
                .with_pointer(ptr)
                .with_help(
                    "add `service: <service id>`: a product reaches people only through a \
                     service that supports and operates it",
                ),
            );
            return;
        }
        Some(View::String(s)) => s,
        Some(_) => return, // a wrong type is a `schema` finding
    };
    let target = match cx.resolve(service_id, Kind::Service) {
        Target::Found(t) => t,
        Target::WrongKind(t) => {
            let what = t.kind().article();
            out.push(
                finding(
                    &META,
                    format!("product `{id}` names `{service_id}` as its service, but `{service_id}` is {what}"),
                    Label::new(e.at_value(ptr), format!("{what}, not a Service")),
                )
                .with_pointer(ptr)
                .with_related(Label::new(t.at_value("/kind"), format!("`{service_id}` is defined as {what} here")))
                .with_help("a product is delivered through a Service; name the service that supports and operates it"),
            );
            return;
        }
        Target::Missing => {
            let help = match cx.nearest_id(service_id, Kind::Service) {
                Some(n) => {
                    format!("did you mean `{n}`? otherwise define the service `{service_id}`")
                }
                None => format!(
                    "define the Service `{service_id}`, or name the service that delivers this product"
                ),
            };
            out.push(
                finding(
                    &META,
                    format!(
                        "product `{id}` is delivered through `{}`, which is not in the catalogue",
                        clip(service_id, 60)
                    ),
                    Label::new(e.at_value(ptr), "no Service has this id"),
                )
                .with_pointer(ptr)
                .with_help(help)
                .with_fix_opt(cx.reference_fix(e, ptr, service_id, Kind::Service)),
            );
            return;
        }
    };
    let product_lifecycle = e.str_at("/spec/lifecycle").unwrap_or("");
    let service_lifecycle = target.str_at("/spec/lifecycle").unwrap_or("");
    if matches!(product_lifecycle, "live" | "beta")
        && matches!(service_lifecycle, "pipeline" | "retired")
    {
        let why = if service_lifecycle == "pipeline" {
            "is not operated yet"
        } else {
            "is no longer operated"
        };
        out.push(
            finding(
                &META,
                format!("{product_lifecycle} product `{id}` is delivered through `{service_id}`, which {why} ({service_lifecycle})"),
                Label::new(e.at_value(ptr), format!("a {service_lifecycle} service")),
            )
            .with_pointer(ptr)
            .with_related(Label::new(
                target.at_value("/spec/lifecycle"),
                format!("`{service_id}` is {service_lifecycle}"),
            ))
            .with_help(format!(
                "a {product_lifecycle} product needs a live service: make `{service_id}` live, \
                 or move the product to a service that is"
            )),
        );
    }
}

fn check_service(cx: &Context<'_>, e: EntityRef<'_>, out: &mut Vec<Diagnostic>) {
    let ptr = "/spec/product";
    if cx.broke_schema(e, ptr) {
        return;
    }
    let Some(product_id) = e.str_at(ptr) else {
        return;
    };
    let id = e.id();
    let product = match cx.resolve(product_id, Kind::Product) {
        Target::Found(p) => p,
        Target::WrongKind(p) => {
            let what = p.kind().article();
            out.push(
                finding(
                    &META,
                    format!("service `{id}` names `{product_id}` as its product, but `{product_id}` is {what}"),
                    Label::new(e.at_value(ptr), format!("{what}, not a Product")),
                )
                .with_pointer(ptr)
                .with_related(Label::new(p.at_value("/kind"), format!("`{product_id}` is defined as {what} here")))
                .with_help("`spec.product` names the Product delivered through this service; remove it if there is none"),
            );
            return;
        }
        Target::Missing => {
            let help = match cx.nearest_id(product_id, Kind::Product) {
                Some(n) => {
                    format!("did you mean `{n}`? otherwise define the product or remove `product:`")
                }
                None => {
                    "define the Product, or remove `product:` (a service need not be a product)"
                        .into()
                }
            };
            out.push(
                finding(
                    &META,
                    format!(
                        "service `{id}` names product `{}`, which is not in the catalogue",
                        clip(product_id, 60)
                    ),
                    Label::new(e.at_value(ptr), "no Product has this id"),
                )
                .with_pointer(ptr)
                .with_help(help)
                .with_fix_opt(cx.reference_fix(e, ptr, product_id, Kind::Product)),
            );
            return;
        }
    };
    match product.str_at("/spec/service") {
        Some(s) if s == id => {}
        other => {
            let (label, related) = match other {
                Some(s) => (
                    format!("`{product_id}` is delivered through `{s}`"),
                    Label::new(
                        product.at_value("/spec/service"),
                        format!("`{product_id}` names `{s}` here"),
                    ),
                ),
                None => (
                    format!("`{product_id}` names no service"),
                    Label::new(
                        product.at_key("/spec"),
                        format!("`{product_id}` has no `service`"),
                    ),
                ),
            };
            out.push(
                finding(
                    &META,
                    format!("service `{id}` names product `{product_id}`, but the product does not name this service"),
                    Label::new(e.at_value(ptr), label),
                )
                .with_pointer(ptr)
                .with_related(related)
                .with_help(format!(
                    "make the two agree: `service: {id}` in the product, or remove `product:` here"
                )),
            );
        }
    }
}
