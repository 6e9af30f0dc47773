"""Predict a customer: a form with the features; the segment and why, the runner-up and what would move them."""

import streamlit as st

# The title first: it is on screen while the imports below run (seconds on the first page of a new server).
st.title("Predict a customer")

import app_common  # noqa: E402
from customer_segmentation.app_support import charts, insights  # noqa: E402
from customer_segmentation.app_support.scoring import field_messages, predict_customer  # noqa: E402
from customer_segmentation.app_support.scoring import category_options, chart_sample, feature_defaults  # noqa: E402
from customer_segmentation.app_support.text import as_text  # noqa: E402
from customer_segmentation.features.units import axis_label, form_step, format_value  # noqa: E402

bundle = app_common.bundle_or_message()
if bundle is None:
    st.stop()

defaults = feature_defaults(bundle)
FIELD_LIMIT = 1e12  # beyond any real value; a typed 1e308 would otherwise be echoed as a 309-digit number
options = category_options(bundle)
st.caption("Enter one customer, each value in its unit. Defaults are the median customer the model was trained on.")


def allowed(feature) -> str:
    low, high = feature.minimum, feature.maximum
    if low is None and high is None:
        return ""
    if high is None:
        return f"Allowed: {format_value(feature, low)} or more."
    if low is None:
        return f"Allowed: up to {format_value(feature, high)}."
    return f"Allowed: {format_value(feature, low)} to {format_value(feature, high)}."


slots = {}
with st.form("predict_form"):
    fields = st.columns(len(bundle.features))
    for column, feature in zip(fields, bundle.table):
        # Prefilled through session state with value=None, so a field can also be cleared (missing);
        # no min/max on the widget: out-of-range values reach the validation and get its message here.
        st.session_state.setdefault(f"predict_{feature.name}", defaults[feature.name])
        with column:
            if feature.is_category:  # the categories the model knows (rare ones of training are "Other")
                st.selectbox(feature.label, options[feature.name], key=f"predict_{feature.name}")
            else:
                st.number_input(axis_label(feature), value=None, step=form_step(feature), format="%.0f",
                                min_value=-FIELD_LIMIT, max_value=FIELD_LIMIT,
                                help=allowed(feature), placeholder="required", key=f"predict_{feature.name}")
            slots[feature.name] = st.empty()
    submitted = st.form_submit_button("Predict segment", type="primary")

if submitted:
    st.session_state["predict_asked"] = True
if not st.session_state.get("predict_asked"):
    st.stop()

values = {f: st.session_state.get(f"predict_{f}") for f in bundle.features}
messages = field_messages(bundle, values)
if messages:
    for feature, message in messages.items():
        slots[feature].error(as_text(message), icon=":material/error:")
    st.warning("Fix the values marked above to get a prediction.")
    st.stop()

prediction = predict_customer(bundle, values, validate=False)  # validated just above
st.success(f"This customer belongs to **{as_text(prediction.segment_name)}**.", icon=":material/check_circle:")
st.markdown(f"{as_text(prediction.description)}  \n**Suggested action:** {as_text(prediction.suggested_action)}")
st.caption("The line above describes the segment as a whole; the table below puts this customer beside it.")
if prediction.borderline:
    st.info(f"A borderline customer: nearly as close to **{as_text(prediction.runner_up_name)}** (the runner-up) as to "
            f"their own segment.", icon=":material/compare_arrows:")
own = prediction.distances.loc[prediction.distances["assigned"]].iloc[0]
if prediction.typical_distance:
    closeness = ("closer to the centre than most members" if own.distance <= prediction.typical_distance
                 else "further from the centre than most members")
    st.caption(f"Distance to the segment centre {own.distance:.2f}; a typical member is at "
               f"{prediction.typical_distance:.2f}, so this customer is {closeness}.")

left, right = st.columns([3, 2])
with left:
    st.subheader("This customer and their segment")
    st.dataframe(insights.customer_vs_segment(bundle, values, prediction.segment_id), hide_index=True,
                 key="predict_comparison")
with right:
    st.subheader(f"To move to {as_text(prediction.runner_up_name)}")
    moves = insights.moves_to_runner_up(bundle, values, prediction.segment_id, prediction.runner_up_id)
    if moves:
        st.markdown("Any one of these, the others unchanged, would bring the customer to the border:\n"
                    + "\n".join(f"- {as_text(move)}" for move in moves))
    else:
        st.caption("No single feature within its allowed range would do it.")

left, right = st.columns([2, 3])
with left:
    st.subheader("How close to each segment")
    distances = charts.distance_chart(prediction.distances, bundle.profiles)
    st.vega_lite_chart(distances.data, distances.spec, key="predict_distances")
with right:
    st.subheader("On the segment map")
    segment_map = charts.segment_map(chart_sample(bundle), bundle.profiles, bundle.table,
                                     customer={"map_x": prediction.map_x, "map_y": prediction.map_y})
    st.vega_lite_chart(segment_map.data, segment_map.spec, key="predict_map")
